"""Disaster response as plain rules: the kinds of event, the optional criteria of a relief list, and the
vulnerability index that ranks the households of the affected areas (services.disaster compiles the same
index to SQL; tests/services/test_disaster_services.py holds the two to one order).

The vulnerability index (higher = served first):

    (100 - score)                                  the proxy-means score, 0-100, lower poorer
  + 10 for each member with a disability           at most 2 counted
  +  5 for each member aged 60 or over             at most 2 counted
  +  5 for each child under five                   at most 3 counted
  + 10 when the head is a woman or a widow(er)

A household not scored yet counts as the middle of the scale (score 50), so an unverified household of a
flooded tehsil is still on the list, after the poorest verified ones. Missing member counts count as 0.
Ties go to the older record (the lower household number). The index is kept in hundredths, a whole number,
so that it orders exactly the same in Python, SQLite and PostgreSQL and travels in a page cursor."""
from __future__ import annotations

from dataclasses import asdict, dataclass


def N_(message: str) -> str:
    return message


EVENT_KINDS = {
    "flood": N_("Flood"),
    "heatwave": N_("Heatwave"),
    "earthquake": N_("Earthquake"),
    "drought": N_("Drought"),
    "fire": N_("Fire"),
    "other": N_("Other disaster"),
}
OPEN, CLOSED = "open", "closed"

NEUTRAL_SCORE = 50.0  # a household not scored yet
WEIGHT_DISABLED, CAP_DISABLED = 10, 2
WEIGHT_ELDERLY, CAP_ELDERLY = 5, 2
WEIGHT_UNDER5, CAP_UNDER5 = 5, 3
WEIGHT_FEMALE_OR_WIDOWED_HEAD = 10


def female_or_widowed_head(head_sex: str | None, head_marital_status: str | None) -> bool:
    return head_sex == "female" or head_marital_status == "widowed"


def vulnerability_hundredths(score: float | None, *, disabled: int | None = 0, elderly: int | None = 0,
                             under5: int | None = 0, head_sex: str | None = None,
                             head_marital_status: str | None = None) -> int:
    """The vulnerability index in hundredths (4750 = 47.50); higher is more vulnerable."""
    base = round((100 - (NEUTRAL_SCORE if score is None else float(score))) * 100)
    points = (WEIGHT_DISABLED * min(disabled or 0, CAP_DISABLED) + WEIGHT_ELDERLY * min(elderly or 0, CAP_ELDERLY)
              + WEIGHT_UNDER5 * min(under5 or 0, CAP_UNDER5)
              + (WEIGHT_FEMALE_OR_WIDOWED_HEAD if female_or_widowed_head(head_sex, head_marital_status) else 0))
    return base + 100 * points


def rank_key(household_id: int, vulnerability: int) -> tuple[int, int]:
    """The list's order: the most vulnerable first, ties by the lower household number."""
    return (-vulnerability, household_id)


@dataclass(frozen=True)
class ReliefCriteria:
    """Optional narrowing of a relief list; every one left empty lets every household of the areas through."""

    verified_only: bool = False
    min_under5: int | None = None
    with_disability: bool = False
    with_elderly: bool = False
    female_or_widowed_head: bool = False
    score_below: float | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, False)}

    @classmethod
    def from_dict(cls, values: dict | None) -> ReliefCriteria:
        known = {k: v for k, v in (values or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def admits(self, *, status: str | None, score: float | None, under5: int | None, elderly: int | None,
               disabled: int | None, head_sex: str | None, head_marital_status: str | None) -> bool:
        """The same test as the SQL filter, for one household."""
        if self.verified_only and status != "verified":
            return False
        if self.min_under5 and (under5 or 0) < self.min_under5:
            return False
        if self.with_disability and not (disabled or 0) > 0:
            return False
        if self.with_elderly and not (elderly or 0) > 0:
            return False
        if self.female_or_widowed_head and not female_or_widowed_head(head_sex, head_marital_status):
            return False
        if self.score_below is not None and (score is None or float(score) >= self.score_below):
            return False
        return True
