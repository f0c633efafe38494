"""Back-check rules as plain values: which approved households are drawn for a re-visit, who re-visits them,
and whether a re-visit's answer agrees with the submitted one.

The draw takes, per enumerator, a random 5% (rounded up, so at least one) of the households approved in the
last 7 days, those drawn before counting towards it. "Random" is a keyed shuffle: each household's place in its enumerator's
order is `draw_key(household_id, seed)`, a multiplicative hash modulo a prime that SQL computes the same way
(services.back_checks), so a draw is reproducible from its seed and a fresh random seed is unpredictable to
the enumerators."""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

SAMPLE_PERCENT = 5
WINDOW_DAYS = 7
# A rate computed over fewer households than this is shown as "fewer than 5 surveys", never as a number.
MIN_SHOWN = 5

PRIME = 2_147_483_647  # 2**31 - 1: keys fit a signed 64-bit product in SQLite and PostgreSQL alike


def sample_size(approved: int) -> int:
    """How many of an enumerator's `approved` households are drawn: 5%, rounded up (at least 1 of any)."""
    return math.ceil(approved * SAMPLE_PERCENT / 100) if approved > 0 else 0


def _mix(value: int) -> int:
    """SplitMix64's finaliser: spreads nearby seeds far apart."""
    value = (value + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return value ^ (value >> 31)


def seed_factors(seed: int) -> tuple[int, int]:
    """The two factors of the keyed shuffle for a seed: an offset below 2**30 and a multiplier in 1 … PRIME-1."""
    mixed = _mix(abs(int(seed)))
    return (mixed >> 34) % (1 << 30), 1 + mixed % (PRIME - 1)


def draw_key(household_id: int, seed: int) -> int:
    """A household's place in the draw's order: ((id + offset) * multiplier) mod PRIME."""
    offset, multiplier = seed_factors(seed)
    return ((household_id + offset) * multiplier) % PRIME


def window_start(now: datetime) -> datetime:
    return now - timedelta(days=WINDOW_DAYS)


@dataclass(frozen=True)
class Approval:
    household_id: int
    enumerator_id: int
    area_id: int | None
    approved_at: datetime


def draw(approvals: Iterable[Approval], *, now: datetime, seed: int,
         already_drawn: Iterable[int] = ()) -> list[Approval]:
    """The households to re-visit: per enumerator, 5% (rounded up) of their approvals of the last WINDOW_DAYS,
    counting those of them drawn before, so a draw run again (daily, or twice by mistake) only tops the
    sample up and never takes a household twice; the fresh ones in `draw_key` order. The reference the SQL
    draw (services.back_checks.sample_query) is tested against."""
    since, drawn = window_start(now), set(already_drawn)
    by_enumerator: dict[int, list[Approval]] = {}
    for approval in approvals:
        if since <= approval.approved_at <= now:
            by_enumerator.setdefault(approval.enumerator_id, []).append(approval)
    chosen = []
    for enumerator_id in sorted(by_enumerator):
        pool = by_enumerator[enumerator_id]
        fresh = sorted((a for a in pool if a.household_id not in drawn),
                       key=lambda a: (draw_key(a.household_id, seed), a.household_id))
        wanted = sample_size(len(pool)) - (len(pool) - len(fresh))
        chosen.extend(fresh[:max(wanted, 0)])
    return sorted(chosen, key=lambda a: a.household_id)


def assign(drawn: Iterable[tuple[int, int, int | None]], enumerators_by_area: Mapping[int | None, Iterable[int]],
           load: Mapping[int, int] | None = None) -> dict[int, int | None]:
    """Who re-visits each drawn (household_id, original_enumerator_id, area_id): the least loaded enumerator
    of the household's area other than the one who surveyed it (ties: the lowest id, so the work goes round
    the team); None when there is nobody else. `load` is each enumerator's open back-checks already."""
    load = dict(load or {})
    chosen: dict[int, int | None] = {}
    for household_id, original, area_id in sorted(drawn):
        others = [e for e in enumerators_by_area.get(area_id, ()) if e != original]
        if not others:
            chosen[household_id] = None
            continue
        pick = min(others, key=lambda e: (load.get(e, 0), e))
        load[pick] = load.get(pick, 0) + 1
        chosen[household_id] = pick
    return chosen


# --- comparing a re-visit with the submitted answers -------------------------------------------------------

_SPACES = re.compile(r"[\s\u200c\u200d\u200e\u200f]+")


def normalise_text(value) -> str:
    """A name as compared: case, spacing, marks and the zero-width (non-)joiner do not matter."""
    text = unicodedata.normalize("NFKD", str(value or ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACES.sub(" ", text).strip().casefold()


def _plain(value):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return normalise_text(value)
    return value


def agrees(original, revisit) -> bool:
    """Whether two answers to one question say the same (numbers equal, texts equal once normalised)."""
    return _plain(original) == _plain(revisit)


def submitted_answers(snapshot: Mapping, keys: Iterable[str]) -> dict[str, object]:
    """The answers of a revision snapshot (questionnaire.snapshot) to the back-check's questions: household
    columns by key, the head's name and the number of members from the roster."""
    household = snapshot.get("household") or {}
    members = snapshot.get("members") or []
    values = {}
    for key in keys:
        if key == "head_name":
            values[key] = next((m.get("name") for m in members if m.get("relation") == "head"), None)
        elif key == "member_count":
            values[key] = len(members)
        else:
            values[key] = household.get(key)
    return values


def compare(original: Mapping[str, object], revisit: Mapping[str, object]) -> dict[str, bool]:
    """Per question answered at the re-visit: does it agree with the submitted answer."""
    return {key: agrees(original.get(key), value) for key, value in revisit.items()}


def rate(part: int, whole: int) -> float | None:
    """A percentage, or None when computed over fewer than MIN_SHOWN (hidden: too few to judge anyone by)."""
    if whole < MIN_SHOWN:
        return None
    return round(100 * part / whole, 1)
