"""Folding of Urdu (Extended Arabic-Indic) and Arabic-Indic digits to Latin ones."""
from __future__ import annotations

_EXTENDED = "۰۱۲۳۴۵۶۷۸۹"  # U+06F0..U+06F9, the digits Urdu keyboards type
_ARABIC = "٠١٢٣٤٥٦٧٨٩"  # U+0660..U+0669
_TABLE = str.maketrans({**{c: str(i) for i, c in enumerate(_EXTENDED)}, **{c: str(i) for i, c in enumerate(_ARABIC)}})


def to_latin_digits(text: str) -> str:
    """'۳۵۲۰۲' -> '35202'; other characters are left as they are."""
    return text.translate(_TABLE)
