"""Password rules: long enough, visible characters only, not among the passwords attackers try first, not the
person's own name or numbers, and hard enough to guess by zxcvbn's estimate (score 3 of 4 or better)."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from zxcvbn import zxcvbn

from .numerals import to_latin_digits

MIN_LENGTH = 8
MAX_LENGTH = 128
# zxcvbn's score: 3 means about 10^8 to 10^10 guesses, beyond an online attack on our throttled sign-in and
# slow for an offline one on argon2 hashes. Score 2 would let eight random characters or "lahore786" through.
MIN_SCORE = 3
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the first 72 characters decide the estimate

# Local favourites that lists compiled elsewhere miss.
_LOCAL_COMMON = {
    "pakistan", "pakistan1", "pakistan123", "pakistan786", "pakistan@123", "pakistanzindabad",
    "786786", "786786786", "78678678", "allah786", "bismillah", "bismillah786", "muhammad", "muhammad786",
    "lahore123", "karachi123", "islamabad", "punjab123", "cricket123", "iloveyou786", "pser1234", "password786",
}

# Why zxcvbn finds a password weak, by the kind of its longest guessable part (first wins on a tie).
_PATTERN_REASONS = (
    ("user_inputs", "personal"),
    ("passwords", "common"),
    ("repeat", "repeated"),
    ("sequence", "sequence"),
    ("spatial", "keyboard"),
    ("date", "dates"),
    ("regex", "dates"),  # zxcvbn's only regex is a recent year
    ("dictionary", "words"),
)
# Every answer password_problem can give, for the callers' messages.
REASONS = ("too_short", "too_long", "invisible", "common", "personal", "repeated", "sequence", "keyboard",
           "dates", "words", "weak")


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # 30,000 most common passwords from public leaks

    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(_LOCAL_COMMON)


def _invisible(ch: str) -> bool:
    # Control and format characters (zero-width spaces, bidi marks), unassigned ones, and any space but " ":
    # they cannot be seen, so cannot be typed again on another phone.
    category = unicodedata.category(ch)
    return category[0] == "C" or (category[0] == "Z" and ch != " ")


def _compact(value: str) -> str:
    return "".join(ch for ch in to_latin_digits(value).lower() if ch.isalnum())


def _personal(folded: str, personal: tuple[str, ...]) -> bool:
    compact = _compact(folded)
    digits = "".join(ch for ch in compact if ch.isdigit())
    letters = "".join(ch for ch in compact if not ch.isdigit())
    for value in personal:
        plain = _compact(value)
        if not plain:
            continue
        if not any(ch.isdigit() for ch in plain):
            # A name: the whole of it inside the password, or the password's letters are only parts of it
            # ("AliKhan2024", "Khan-Muhammad-Ali").
            if len(plain) >= 6 and plain in compact:
                return True
            rest = letters
            for part in sorted((_compact(w) for w in to_latin_digits(value).split()), key=len, reverse=True):
                if len(part) >= 2:
                    rest = rest.replace(part, "")
            if letters and len(rest) < 3:
                return True
            continue
        # A mobile also hides in a password as +92300..., so its last ten digits count too.
        forms = {plain, plain[-10:]} if len(plain) >= 10 else {plain}
        if any(form in compact for form in forms):
            return True
        if len(digits) >= 6 and digits in plain:
            return True
    return False


def _user_inputs(personal: tuple[str, ...]) -> list[str]:
    inputs: set[str] = set()
    for value in personal:
        value = to_latin_digits(value).lower()
        inputs.update({value, _compact(value)}, (part for part in value.split() if len(part) >= 3))
        if len(_compact(value)) >= 10:
            inputs.add(_compact(value)[-10:])
    return sorted(i for i in inputs if i)


def _weakness(password: str, personal: tuple[str, ...]) -> str | None:
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=_user_inputs(personal))
    if result["score"] >= MIN_SCORE:
        return None
    best, best_len = "weak", 0
    for match in result["sequence"]:
        kinds = (match.get("pattern"), match.get("dictionary_name"))
        reason = next((r for kind, r in _PATTERN_REASONS if kind in kinds), None)
        if reason and len(match["token"]) > best_len:
            best, best_len = reason, len(match["token"])
    return best


def password_problem(password: str, *, personal: tuple[str, ...] = ()) -> str | None:
    """None when acceptable; otherwise one of REASONS. `personal`: the person's name, CNIC and mobile."""
    if any(_invisible(ch) for ch in password):
        return "invisible"
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    folded = to_latin_digits(password).lower()
    if folded in _common_passwords() or (folded.isdigit() and len(set(folded)) <= 2):
        return "common"
    if _personal(folded, personal):
        return "personal"
    return _weakness(to_latin_digits(password), personal)  # capitals count here
