"""CNIC (and B-form) numbers: parsing, the canonical 12345-1234567-1 form, region and sex parity."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .input_errors import InputError
from .numerals import to_latin_digits

REGIONS = {
    "1": "Khyber Pakhtunkhwa",
    "2": "former FATA",
    "3": "Punjab",
    "4": "Sindh",
    "5": "Balochistan",
    "6": "Islamabad",
    "7": "Gilgit-Baltistan",
}

# What may stand between the digits: spaces, the dashes a phone keyboard or a pasted document produces,
# and the invisible direction marks that Urdu text fields insert.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u200b-\u200f\u061c\u066b\u066c\ufeff]+")


class CnicError(InputError):
    """Why a text is not a CNIC: empty, chars, length or region."""


def normalise_cnic(raw: str | None) -> str:
    """Return the CNIC as 12345-1234567-1, or raise CnicError with code empty, chars, length or region."""
    text = _SEPARATORS.sub("", to_latin_digits(raw or ""))
    if not text:
        raise CnicError("empty")
    if not text.isascii() or not text.isdigit():
        raise CnicError("chars")
    if len(text) != 13:
        raise CnicError("length")
    if text[0] not in REGIONS:
        raise CnicError("region")
    return f"{text[:5]}-{text[5:12]}-{text[12]}"


def is_valid_cnic(raw: str | None) -> bool:
    try:
        normalise_cnic(raw)
    except CnicError:
        return False
    return True


@dataclass(frozen=True)
class CnicFacts:
    cnic: str
    region: str
    sex: str  # "male" (odd last digit) or "female" (even)


def cnic_facts(raw: str) -> CnicFacts:
    cnic = normalise_cnic(raw)
    return CnicFacts(cnic=cnic, region=REGIONS[cnic[0]], sex="male" if int(cnic[-1]) % 2 else "female")


def sex_matches_cnic(cnic: str, sex: str) -> bool:
    """False is a cross-check warning for a supervisor, never a refusal."""
    return cnic_facts(cnic).sex == sex


def mask_cnic(cnic: str) -> str:
    """35202-1234567-1 -> 35202-*****67-1: enough for its holder to recognise, too little to reuse."""
    c = normalise_cnic(cnic)
    return f"{c[:5]}-*****{c[11:13]}-{c[14]}"


def typed_prefix(text: str) -> str:
    """What was typed of a CNIC (any digits, any separators), as the start of the stored 12345-1234567-1 form."""
    digits = re.sub(r"\D", "", to_latin_digits(text or ""))[:13]
    if len(digits) > 12:
        return f"{digits[:5]}-{digits[5:12]}-{digits[12:]}"
    if len(digits) > 5:
        return f"{digits[:5]}-{digits[5:]}"
    return digits


def prefix_range(prefix: str) -> tuple[str, str | None]:
    """The stored CNICs that start with `prefix` (the start of the 12345-1234567-1 form) as a range
    [low, high): an index range under any collation, which `LIKE 'prefix%'` is not. The upper bound
    carries like a counter over the digits (35202-19 -> 35202-2), so it is a digit string in the same
    positions as the stored ones, and compares the same way whether a collation orders bytes or skips the
    dashes. None when nothing is above (all nines)."""
    low = prefix.rstrip("-")
    digits = list(low)
    for i in range(len(digits) - 1, -1, -1):
        if digits[i] == "-":
            continue
        if digits[i] != "9":
            return low, "".join(digits[:i]) + chr(ord(digits[i]) + 1)
        digits[i] = "0"
    return low, None
