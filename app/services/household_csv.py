"""The household import file: one household per row, its members in numbered column groups (README: "Importing
households"). Reads the file into `HouseholdRow`s for the bulk loader, or `Rejection`s naming the line and why."""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import JSON, Boolean, Date, Float, Integer, Numeric, String, select
from sqlalchemy.orm import Session

from ..domain.cnic import CnicError, normalise_cnic
from ..domain.household_status import HouseholdStatus
from ..domain.mobile import MobileError, networks_for_prefix, normalise_mobile
from ..domain.numerals import to_latin_digits
from ..models import Area, Household, HouseholdMember
from .bulk_load import ANSWER_FIELDS, CHOICES, MEMBER_CHOICES, SUBMITTED_STATES, HouseholdRow, Rejection
from .questionnaire import MEMBER_FIELDS

REQUIRED_COLUMNS = ("key", "area", "head_cnic")
ACCOUNT_COLUMNS = ("account", "full_name", "mobile", "network", "email")
HOUSEHOLD_COLUMNS = (*REQUIRED_COLUMNS, "status", *ACCOUNT_COLUMNS, *ANSWER_FIELDS)
_MEMBER_COLUMN = re.compile(r"member(\d+)_(\w+)")
_YES = {"yes", "y", "true", "1", "ہاں", "ہاں"}
_NO = {"no", "n", "false", "0", "نہیں"}
_SECTIONS = {"consent": ("consent_given", "union_council", "village", "address", "gps_lat", "gps_lon", "gps_accuracy_m"),
             "housing": ("tenure", "rooms", "roof", "walls", "toilet", "water", "electricity", "cooking_fuel"),
             "assets": ("assets", "land_acres", "cattle", "buffalo", "goats_sheep"),
             "income": ("main_income_source", "monthly_income", "has_bank_account", "bisp_beneficiary",
                        "receives_remittances")}


class ImportFileError(ValueError):
    """The file as a whole cannot be read: a missing or unknown column."""


def area_codes(session: Session) -> dict[str, int]:
    """District and tehsil codes (DST-LHR, TSL-LHR-01) to area ids: where a household may live."""
    rows = session.execute(select(Area.code, Area.id).where(Area.level.in_(("district", "tehsil"))))
    return {code.upper(): area_id for code, area_id in rows}


def read_households(lines: Iterable[str], areas: dict[str, int], *, source: str, today: date,
                    ) -> Iterator[HouseholdRow | Rejection]:
    """Each data row of the file as a HouseholdRow, or a Rejection when a cell cannot be read.

    The rules that span cells (one head, ages, relation and sex, choice lists) are the loader's, so that the
    demo seed passes the same ones.
    """
    reader = csv.reader(lines)
    header = [name.strip().lower() for name in next(reader, [])]
    groups = _check_header(header)
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        values = dict(zip(header, cells))
        errors: list[str] = []
        yield _household(line, values, groups, areas, source, today, errors)


def _check_header(header: list[str]) -> list[int]:
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown, groups = [], set()
    for name in header:
        if name in HOUSEHOLD_COLUMNS:
            continue
        match = _MEMBER_COLUMN.fullmatch(name)
        if match and match.group(2) in MEMBER_FIELDS:
            groups.add(int(match.group(1)))
        else:
            unknown.append(name)
    if missing or unknown:
        raise ImportFileError("; ".join(
            ([f"missing column(s): {', '.join(missing)}"] if missing else [])
            + ([f"unknown column(s): {', '.join(unknown)}"] if unknown else [])))
    return sorted(groups)


def _household(line: int, values: dict[str, str], groups: list[int], areas: dict[str, int], source: str,
               today: date, errors: list[str]) -> HouseholdRow | Rejection:
    key = values.get("key", "").strip()
    cell = _Cells(values, errors)
    area_code = values.get("area", "").strip().upper()
    area_id = areas.get(area_code)
    if area_id is None:
        errors.append(f"area: no district or tehsil with code {area_code!r}")
    head_cnic = cell.cnic("head_cnic")
    status = (values.get("status") or "").strip().lower() or HouseholdStatus.REGISTERED
    if status not in HouseholdStatus.__members__.values():
        errors.append(f"status: {status!r} is not one of {', '.join(HouseholdStatus)}")
    answers = {name: cell.typed(name, Household.__table__.c[name].type) for name in ANSWER_FIELDS}
    for name in CHOICES:  # choice values are lower case: "Owned" is owned
        if isinstance(answers.get(name), str):
            answers[name] = answers[name].lower()
    members = []
    for number in groups:
        prefix = f"member{number}_"
        if not any((values.get(prefix + name) or "").strip() for name in MEMBER_FIELDS):
            continue
        member = {name: cell.typed(prefix + name, HouseholdMember.__table__.c[name].type) for name in MEMBER_FIELDS
                  if name != "cnic"}
        member["cnic"] = cell.cnic(prefix + "cnic", required=False)
        for name in MEMBER_CHOICES:
            if isinstance(member.get(name), str):
                member[name] = member[name].lower()
        member = {name: value for name, value in member.items() if value is not None}
        members.append(member)
    account = None
    if cell.typed("account", Boolean()):
        head = next((m for m in members if m.get("relation") == "head"), {})
        mobile = cell.mobile("mobile")
        network = (values.get("network") or "").strip().lower() or (
            networks_for_prefix(mobile)[0] if mobile and networks_for_prefix(mobile) else None)
        email = (values.get("email") or "").strip() or None
        if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            errors.append("email: not an email address")
        account = {"full_name": (values.get("full_name") or "").strip() or head.get("name"), "mobile": mobile,
                   "network": network, "email": email}
    if errors:
        return Rejection(line, key, "; ".join(errors))
    now_text = today.isoformat()
    answers["sections_saved"] = {section: now_text for section, names in _SECTIONS.items()
                                 if any(answers.get(name) is not None for name in names)}
    if members:
        answers["sections_saved"]["members"] = now_text
    if status in SUBMITTED_STATES:
        answers["sections_saved"]["review"] = now_text
    return HouseholdRow(line=line, key=key, area_id=area_id, head_cnic=head_cnic, status=status, answers=answers,
                        members=members, account=account, reason=f"imported from {source}"[:200])


class _Cells:
    """Reads one row's cells by column type; what cannot be read is noted in `errors` and read as None."""

    def __init__(self, values: dict[str, str], errors: list[str]) -> None:
        self.values, self.errors = values, errors

    def raw(self, name: str) -> str:
        return to_latin_digits((self.values.get(name) or "").strip())

    def typed(self, name: str, kind):
        text = self.raw(name)
        if not text:
            return None
        try:
            if isinstance(kind, Boolean):
                folded = text.lower()
                if folded in _YES or folded in _NO:
                    return folded in _YES
                raise ValueError("yes or no")
            if isinstance(kind, Integer):
                return int(_number(text, decimal=False))
            if isinstance(kind, (Float, Numeric)):
                return float(_number(text, decimal=True))
            if isinstance(kind, Date):
                return _date(text)
            if isinstance(kind, JSON):  # the list of assets: names separated by ; , or spaces
                return [item for item in re.split(r"[;,\s]+", text.lower()) if item]
            if isinstance(kind, String):
                if kind.length and len(text) > kind.length:
                    raise ValueError(f"at most {kind.length} characters")
                return text
        except ValueError as error:
            self.errors.append(f"{name}: {error}")
            return None
        return text

    def cnic(self, name: str, *, required: bool = True) -> str | None:
        text = self.values.get(name) or ""
        if not text.strip():
            if required:
                self.errors.append(f"{name}: missing")
            return None
        try:
            return normalise_cnic(text)
        except CnicError as error:
            self.errors.append(f"{name}: not a CNIC ({error.code})")
            return None

    def mobile(self, name: str) -> str | None:
        text = self.values.get(name) or ""
        if not text.strip():
            return None  # the loader refuses an account without a mobile
        try:
            return normalise_mobile(text)
        except MobileError as error:
            self.errors.append(f"{name}: not a mobile number ({error.code})")
            return None


def _number(text: str, *, decimal: bool) -> str:
    text = text.replace(",", "").replace("٫", ".")
    if not re.fullmatch(r"-?\d{1,9}(\.\d{1,6})?" if decimal else r"-?\d{1,9}", text):
        raise ValueError("a number, for example 3" if not decimal else "a number, for example 2.5")
    return text


def _date(text: str) -> date:
    """YYYY-MM-DD, or DD/MM/YYYY as a spreadsheet in Pakistan writes it."""
    try:
        if "/" in text:
            day, month, year = (int(p) for p in text.split("/"))
        else:
            year, month, day = (int(p) for p in text.split("-"))
        return date(year, month, day)
    except (ValueError, TypeError):
        raise ValueError("a date as YYYY-MM-DD or DD/MM/YYYY") from None
