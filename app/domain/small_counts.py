"""Small counts are not shown outside staff pages: a count below the threshold could point at a person
(three widows in a village). Only the primary suppression is here; hiding a second cell so that the hidden
one cannot be worked out from a total (complementary suppression) is left to the statistics pages."""
from __future__ import annotations

SMALL_COUNT_THRESHOLD = 5


def hide_small(count: int | None, threshold: int = SMALL_COUNT_THRESHOLD) -> int | None:
    """The count when it may be shown; None (shown as "fewer than 5") when it is above zero and below the
    threshold. Zero is shown: nobody is identified by nobody."""
    if count is None:
        return None
    if 0 < count < threshold:
        return None
    return count
