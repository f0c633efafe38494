"""The household import file: one household per row, its members in numbered column groups (README: "Importing
households"). Reads the file into `HouseholdRow`s for the bulk loader, or `Rejection`s naming the line and why."""
from __future__ import annotations

import csv
import re
from operator import itemgetter
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
from .questionnaire import MEMBER_FIELDS, SECTION_FIELDS

REQUIRED_COLUMNS = ("key", "area", "head_cnic")
ACCOUNT_COLUMNS = ("account", "full_name", "mobile", "network", "email")
HOUSEHOLD_COLUMNS = (*REQUIRED_COLUMNS, "status", *ACCOUNT_COLUMNS, *ANSWER_FIELDS)
_MEMBER_COLUMN = re.compile(r"member(\d+)_(\w+)")
_YES = {"yes", "y", "true", "1", "ہاں", "ہاں"}
_NO = {"no", "n", "false", "0", "نہیں"}
# The sections an answer belongs to, to mark them saved: from the question catalogue.
_SECTIONS = {section: tuple(name for name in names if name != "area_id") for section, names in SECTION_FIELDS.items()}


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
    column = {name: index for index, name in enumerate(header)}
    # Each cell's reader is chosen once from the header, not once per cell.
    answer_cells = [(name, column[name], _converter(name, Household.__table__.c[name].type))
                    for name in ANSWER_FIELDS if name in column]
    member_cells = [[(name, column[f"member{number}_{name}"], f"member{number}_{name}",
                      _converter(name, HouseholdMember.__table__.c[name].type))
                     for name in MEMBER_FIELDS if f"member{number}_{name}" in column] for number in groups]
    # A group's cells in one call, to skip the (many) empty groups quickly.
    member_groups = [(_cells_getter([index for _, index, _, _ in group]), group) for group in member_cells]
    account_cells = [(name, column[name], _converter(name, _ACCOUNT_TYPES[name]))
                     for name in ACCOUNT_COLUMNS if name in column]
    width = len(header)
    reason = f"imported from {source}"[:200]
    today_text = today.isoformat()
    for cells in reader:
        if not "".join(cells).strip():
            continue
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        errors: list[str] = []
        key = cells[column["key"]].strip()
        area_code = cells[column["area"]].strip().upper()
        area_id = areas.get(area_code)
        if area_id is None:
            errors.append(f"area: no district or tehsil with code {area_code!r}")
        head_cnic = _read(cells[column["head_cnic"]], _cnic, "head_cnic", errors)
        if not cells[column["head_cnic"]].strip():
            errors.append("head_cnic: missing")
        status = cells[column["status"]].strip().lower() if "status" in column else ""
        status = status or HouseholdStatus.REGISTERED
        if status not in _STATES:
            errors.append(f"status: {status!r} is not one of {', '.join(HouseholdStatus)}")
        answers = {name: _read(cells[index], convert, name, errors) for name, index, convert in answer_cells}
        members = []
        for cells_of, group in member_groups:
            group_cells = cells_of(cells)
            if not any(group_cells) or not "".join(group_cells).strip():
                continue
            member = {}
            for name, index, label, convert in group:
                if cells[index]:
                    value = _read(cells[index], convert, label, errors)
                    if value is not None:
                        member[name] = value
            members.append(member)
        account = None
        values = {name: _read(cells[index], convert, name, errors) for name, index, convert in account_cells}
        if values.get("account"):
            mobile = values.get("mobile")
            head = next((m for m in members if m.get("relation") == "head"), {})
            account = {"full_name": values.get("full_name") or head.get("name"), "mobile": mobile,
                       "network": values.get("network") or _network_of(mobile), "email": values.get("email")}
        if errors:
            yield Rejection(reader.line_num, key, "; ".join(errors))
            continue
        saved = {section: today_text for section, names in _SECTIONS.items()
                 if any(answers.get(name) is not None for name in names)}
        if members:
            saved["members"] = today_text
        if status in SUBMITTED_STATES:
            saved["review"] = today_text
        answers["sections_saved"] = saved
        yield HouseholdRow(line=reader.line_num, key=key, area_id=area_id, head_cnic=head_cnic, status=status,
                           answers=answers, members=members, account=account, reason=reason)


def _cells_getter(indices: list[int]):
    """A function from a row's cells to a tuple of the cells at `indices` (itemgetter, a tuple even for one)."""
    if len(indices) == 1:
        index = indices[0]
        return lambda cells: (cells[index],)
    return itemgetter(*indices)


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
    repeated = sorted({name for name in header if header.count(name) > 1})
    if missing or unknown or repeated:
        raise ImportFileError("; ".join(
            ([f"missing column(s): {', '.join(missing)}"] if missing else [])
            + ([f"unknown column(s): {', '.join(unknown)}"] if unknown else [])
            + ([f"repeated column(s): {', '.join(repeated)}"] if repeated else [])))
    return sorted(groups)


_STATES = frozenset(HouseholdStatus.__members__.values())
_ACCOUNT_TYPES = {"account": Boolean(), "full_name": String(100), "mobile": "mobile", "network": "choice",
                  "email": "email"}


def _read(text: str, convert, label: str, errors: list[str]):
    """A cell's value, None when blank; a cell that cannot be read adds to `errors` and reads as None."""
    text = text.strip()
    if not text:
        return None
    if not text.isascii():
        text = to_latin_digits(text)
    try:
        return convert(text)
    except ValueError as error:
        errors.append(f"{label}: {error}")
        return None


def _converter(name: str, kind):
    """How one column's text becomes its value (or a ValueError saying what was expected)."""
    if name == "cnic":
        return _cnic
    if name in CHOICES or name in MEMBER_CHOICES or kind == "choice":
        if isinstance(kind, JSON):  # the list of assets: names separated by ; , or spaces
            return lambda text: [item for item in re.split(r"[;,\s]+", text.lower()) if item]
        return str.lower  # choice values are lower case: "Owned" is owned; the loader checks the list
    if kind == "mobile":
        return _mobile
    if kind == "email":
        return _email
    if isinstance(kind, Boolean):
        return _yes_no
    if isinstance(kind, Integer):
        return lambda text: int(_number(text, decimal=False))
    if isinstance(kind, (Float, Numeric)):
        return lambda text: float(_number(text, decimal=True))
    if isinstance(kind, Date):
        return _date
    length = getattr(kind, "length", None)

    def string(text: str) -> str:
        if length and len(text) > length:
            raise ValueError(f"at most {length} characters")
        return text
    return string


def _yes_no(text: str) -> bool:
    folded = text.lower()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueError("yes or no")


def _cnic(text: str) -> str:
    try:
        return normalise_cnic(text)
    except CnicError as error:
        raise ValueError(f"not a CNIC ({error.code})") from None


def _mobile(text: str) -> str:
    try:
        return normalise_mobile(text)
    except MobileError as error:
        raise ValueError(f"not a mobile number ({error.code})") from None


def _email(text: str) -> str:
    if len(text) > 254 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise ValueError("not an email address")
    return text


def _network_of(mobile: str | None) -> str | None:
    networks = networks_for_prefix(mobile) if mobile else ()
    return networks[0] if networks else None


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


def write_households(handle, rows: Iterable[HouseholdRow], area_code_of: dict[int, str], *, members: int = 10,
                     ) -> int:
    """Write `rows` in the import format (the inverse of read_households): a sample file, or the benchmark's input.
    Returns the number of rows written."""
    header = [*HOUSEHOLD_COLUMNS, *(f"member{n}_{name}" for n in range(1, members + 1) for name in MEMBER_FIELDS)]
    writer = csv.writer(handle)
    writer.writerow(header)
    written = 0
    for row in rows:
        values = {"key": row.key, "area": area_code_of[row.area_id], "head_cnic": row.head_cnic, "status": row.status}
        if row.account:
            values.update(row.account, account="yes")
        values.update({name: row.answers.get(name) for name in ANSWER_FIELDS})
        for n, member in enumerate(row.members[:members], start=1):
            values.update({f"member{n}_{name}": member.get(name) for name in MEMBER_FIELDS})
        writer.writerow([_cell(values.get(name)) for name in header])
        written += 1
    return written


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return value.isoformat() if isinstance(value, date) else str(value)
