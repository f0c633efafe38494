"""A person's name as typed: letters a reader can see, in any script, on one line, without direction tricks.

Urdu names legitimately hold the zero-width non-joiner (U+200C) and joiner (U+200D) between letters, so
invisible characters are not refused one by one; a name must hold letters, and must not hold line breaks,
control characters or the bidirectional embeddings, overrides and isolates that make text display in
another order than it is stored (U+202A–U+202E, U+2066–U+2069)."""
from __future__ import annotations

import re
import unicodedata

from .input_errors import InputError

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")
# Letters by Unicode's category that draw nothing (Hangul fillers): they do not make a name visible.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
MIN_LETTERS = 2


class PersonNameError(InputError):
    """Why a text is not a name: empty, invisible, lines or bidi (a code for a translated message)."""


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def name_problem(text: str | None, min_letters: int = MIN_LETTERS) -> str | None:
    """None when `text` can be a person's name, else a code: "empty", "lines", "bidi", "control" or "invisible"."""
    text = (text or "").strip()
    if not text:
        return "empty"
    if any(c in _LINE_BREAKS for c in text):
        return "lines"
    if any(c in BIDI_CONTROLS for c in text):
        return "bidi"
    if any(_is_control(c) for c in text):
        return "control"
    letters = sum(1 for c in text if unicodedata.category(c).startswith("L") and c not in _BLANK_LETTERS)
    if letters < min_letters:
        return "invisible"
    return None


def check_name(text: str | None, min_letters: int = MIN_LETTERS) -> str:
    """The name with its spaces tidied (runs of spaces become one); raises PersonNameError with the problem's code."""
    problem = name_problem(text, min_letters)
    if problem:
        raise PersonNameError(problem)
    return re.sub(r"\s+", " ", (text or "").strip())


def displayable(text: str | None) -> str:
    """`text` with controls, line breaks and bidi controls removed: safe to show back in a form."""
    return "".join(c for c in (text or "") if c not in BIDI_CONTROLS and c not in _LINE_BREAKS and not _is_control(c))
