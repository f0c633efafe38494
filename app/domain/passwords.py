"""Password rules: long enough, not among the passwords attackers try first, confirmed."""
from __future__ import annotations

from functools import lru_cache

from .numerals import to_latin_digits

MIN_LENGTH = 8
MAX_LENGTH = 128

# Local favourites that lists compiled elsewhere miss.
_LOCAL_COMMON = {
    "pakistan", "pakistan1", "pakistan123", "pakistan786", "pakistan@123", "pakistanzindabad",
    "786786", "786786786", "78678678", "allah786", "bismillah", "bismillah786", "muhammad", "muhammad786",
    "lahore123", "karachi123", "islamabad", "punjab123", "cricket123", "iloveyou786", "pser1234", "password786",
}


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # 30,000 most common passwords from public leaks

    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(_LOCAL_COMMON)


def password_problem(password: str, *, personal: tuple[str, ...] = ()) -> str | None:
    """None when acceptable; otherwise too_short, too_long, common or personal."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    folded = to_latin_digits(password).lower()
    if folded in _common_passwords() or (folded.isdigit() and len(set(folded)) <= 2):
        return "common"
    digits = "".join(ch for ch in folded if ch.isdigit())
    for value in personal:
        plain = "".join(ch for ch in to_latin_digits(value) if ch.isalnum()).lower()
        # A mobile also hides in a password as +92300..., so its last ten digits count too.
        forms = {plain, plain[-10:]} if len(plain) >= 10 else {plain}
        if any(form and form in folded.replace("-", "") for form in forms):
            return "personal"
        if len(digits) >= 6 and digits in plain:
            return "personal"
    return None
