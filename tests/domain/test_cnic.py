"""CNIC rules as a citizen meets them: typed any reasonable way, stored one way, refused for a clear reason."""
from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.domain.cnic import (
    REGIONS,
    CnicError,
    cnic_facts,
    is_valid_cnic,
    mask_cnic,
    normalise_cnic,
    sex_matches_cnic,
)

CANONICAL = re.compile(r"^\d{5}-\d{7}-\d$")
URDU = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
ALL_DIGITS = "0123456789" + URDU + ARABIC_INDIC


def to_urdu(text: str) -> str:
    return text.translate(str.maketrans("0123456789", URDU))


def to_arabic_indic(text: str) -> str:
    return text.translate(str.maketrans("0123456789", ARABIC_INDIC))


def count_digits(text: str) -> int:
    return sum(ch in ALL_DIGITS for ch in text)


# ---------------------------------------------------------------- accepted shapes


@pytest.mark.parametrize(
    "typed",
    [
        "35202-1234567-1",
        "3520212345671",
        "  35202-1234567-1  ",
        "\t3520212345671\n",
        "35202 1234567 1",
        "35202 - 1234567 - 1",
        "\u00a035202-1234567-1\u00a0",  # no-break spaces from a pasted document
    ],
)
def test_cnic_typed_with_or_without_dashes_and_spaces_is_stored_canonical(typed):
    assert normalise_cnic(typed) == "35202-1234567-1"


def test_cnic_typed_with_urdu_digits_is_stored_canonical():
    assert normalise_cnic("۳۵۲۰۲-۱۲۳۴۵۶۷-۱") == "35202-1234567-1"
    assert normalise_cnic("۳۵۲۰۲۱۲۳۴۵۶۷۱") == "35202-1234567-1"


def test_cnic_typed_with_arabic_indic_digits_is_stored_canonical():
    assert normalise_cnic("٣٥٢٠٢-١٢٣٤٥٦٧-١") == "35202-1234567-1"


def test_cnic_typed_with_a_mix_of_latin_and_urdu_digits_is_stored_canonical():
    assert normalise_cnic("35202-۱۲۳۴۵۶۷-1") == "35202-1234567-1"


@pytest.mark.parametrize(
    "dash",
    ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212"],
    ids=["hyphen", "nb-hyphen", "figure", "en", "em", "bar", "minus"],
)
def test_cnic_typed_with_unicode_dashes_is_stored_canonical(dash):
    assert normalise_cnic(f"35202{dash}1234567{dash}1") == "35202-1234567-1"


def test_cnic_pasted_from_an_urdu_field_with_direction_marks_is_stored_canonical():
    assert normalise_cnic("\u200f۳۵۲۰۲\u200f-\u200f۱۲۳۴۵۶۷\u200f-\u200f۱\u200f") == "35202-1234567-1"
    assert normalise_cnic("\u061c35202-1234567-1\u200e") == "35202-1234567-1"


@pytest.mark.parametrize("first", list("1234567"))
def test_cnic_from_every_region_is_accepted(first):
    assert normalise_cnic(f"{first}5202-1234567-1") == f"{first}5202-1234567-1"
    assert is_valid_cnic(f"{first}520212345671")


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("typed", ["", None, "   ", "\t\n", "- -", "\u200f"])
def test_blank_cnic_is_refused_as_empty(typed):
    with pytest.raises(CnicError) as err:
        normalise_cnic(typed)
    assert err.value.code == "empty"
    assert not is_valid_cnic(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "35202-12345A7-1",
        "ABCDE-FGHIJKL-M",
        "35202_1234567_1",
        "35202.1234567.1",
        "35202/1234567/1",
        "+3520212345671",
        "３５２０２１２３４５６７１",  # full-width digits are not Latin, Urdu or Arabic-Indic
    ],
)
def test_cnic_with_letters_or_other_characters_is_refused_as_chars(typed):
    with pytest.raises(CnicError) as err:
        normalise_cnic(typed)
    assert err.value.code == "chars"
    assert not is_valid_cnic(typed)


@pytest.mark.parametrize(
    "typed",
    ["3", "35202-1234567", "35202-123456-1", "35202-12345678-1", "352021234567", "35202123456712", "۳۵۲۰۲۱۲۳۴۵۶۷"],
)
def test_cnic_of_the_wrong_length_is_refused_as_length(typed):
    with pytest.raises(CnicError) as err:
        normalise_cnic(typed)
    assert err.value.code == "length"


@pytest.mark.parametrize("first", ["0", "8", "9", "۰", "۸", "۹"])
def test_cnic_whose_first_digit_is_no_region_is_refused_as_region(first):
    with pytest.raises(CnicError) as err:
        normalise_cnic(f"{first}5202-1234567-1")
    assert err.value.code == "region"


def test_cnic_error_is_a_value_error_carrying_its_code():
    with pytest.raises(ValueError) as err:
        normalise_cnic("x")
    assert isinstance(err.value, CnicError)
    assert err.value.code == "chars"
    assert str(err.value) == "chars"


# ---------------------------------------------------------------- region and sex


@pytest.mark.parametrize(
    ("first", "region"),
    [
        ("1", "Khyber Pakhtunkhwa"),
        ("2", "former FATA"),
        ("3", "Punjab"),
        ("4", "Sindh"),
        ("5", "Balochistan"),
        ("6", "Islamabad"),
        ("7", "Gilgit-Baltistan"),
    ],
)
def test_cnic_first_digit_names_the_holders_region(first, region):
    assert cnic_facts(f"{first}5202-1234567-1").region == region


def test_only_digits_one_to_seven_are_regions():
    assert sorted(REGIONS) == list("1234567")


@pytest.mark.parametrize("last", ["1", "3", "5", "7", "9"])
def test_cnic_with_odd_last_digit_belongs_to_a_man(last):
    facts = cnic_facts(f"35202-1234567-{last}")
    assert facts.sex == "male"
    assert sex_matches_cnic(f"35202-1234567-{last}", "male")
    assert not sex_matches_cnic(f"35202-1234567-{last}", "female")


@pytest.mark.parametrize("last", ["0", "2", "4", "6", "8"])
def test_cnic_with_even_last_digit_belongs_to_a_woman(last):
    facts = cnic_facts(f"35202-1234567-{last}")
    assert facts.sex == "female"
    assert sex_matches_cnic(f"35202-1234567-{last}", "female")
    assert not sex_matches_cnic(f"35202-1234567-{last}", "male")


def test_cnic_facts_read_an_urdu_typed_cnic():
    facts = cnic_facts("۴۲۱۰۱۲۳۴۵۶۷۸۲")
    assert facts.cnic == "42101-2345678-2"
    assert facts.region == "Sindh"
    assert facts.sex == "female"


def test_sex_check_on_a_b_form_number_uses_the_same_parity():
    # A child's B-form has the same shape; its last digit carries the same meaning.
    assert sex_matches_cnic("3520298765432", "female")
    assert sex_matches_cnic("35202-9876543-3", "male")


# ---------------------------------------------------------------- masking


def test_masked_cnic_shows_first_five_two_digits_and_the_last_digit_only():
    assert mask_cnic("35202-1234567-1") == "35202-*****67-1"


def test_masked_cnic_never_shows_the_full_middle():
    masked = mask_cnic("35202-9876543-8")
    assert "9876543" not in masked
    assert "98765" not in masked
    assert sum(ch.isdigit() for ch in masked) == 8
    assert masked == "35202-*****43-8"


def test_masking_accepts_a_cnic_typed_in_urdu_without_dashes():
    assert mask_cnic("۳۵۲۰۲۱۲۳۴۵۶۷۱") == "35202-*****67-1"


def test_masking_refuses_something_that_is_not_a_cnic():
    with pytest.raises(CnicError):
        mask_cnic("12345")


# ---------------------------------------------------------------- properties

valid_digits = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("1234567"),
    st.text(alphabet="0123456789", min_size=12, max_size=12),
)
separator = st.sampled_from(["", "", "", "-", " ", "  ", "\u2013", "\u2212", "\u00a0", "\u200f", " - "])


@given(valid_digits)
def test_any_valid_cnic_is_stored_in_the_canonical_shape(digits):
    stored = normalise_cnic(digits)
    assert CANONICAL.match(stored)
    assert stored.replace("-", "") == digits


@given(valid_digits)
def test_normalising_a_stored_cnic_again_changes_nothing(digits):
    stored = normalise_cnic(digits)
    assert normalise_cnic(stored) == stored


@given(valid_digits)
def test_any_valid_cnic_typed_in_urdu_or_arabic_indic_digits_is_stored_the_same(digits):
    stored = normalise_cnic(digits)
    assert normalise_cnic(to_urdu(digits)) == stored
    assert normalise_cnic(to_arabic_indic(digits)) == stored
    assert normalise_cnic(to_urdu(stored)) == stored


@given(valid_digits, st.data())
def test_any_valid_cnic_typed_with_mixed_digit_scripts_is_stored_the_same(digits, data):
    scripts = data.draw(st.lists(st.sampled_from([str, to_urdu, to_arabic_indic]), min_size=13, max_size=13))
    typed = "".join(script(d) for script, d in zip(scripts, digits))
    assert normalise_cnic(typed) == normalise_cnic(digits)


@given(valid_digits, st.lists(separator, min_size=14, max_size=14))
def test_any_valid_cnic_with_dashes_and_spaces_anywhere_is_stored_the_same(digits, seps):
    typed = "".join(sep + d for sep, d in zip(seps, digits)) + seps[-1]
    stored = normalise_cnic(typed)
    assert stored == normalise_cnic(digits)
    assert stored.replace("-", "") == digits


# Text built mostly from digits and separators, so that the digit count sits near 13 and all codes show up.
near_cnic_text = st.text(alphabet=ALL_DIGITS + " -\u2013", max_size=30)


@given(st.one_of(near_cnic_text, st.text()).filter(lambda t: count_digits(t) != 13))
@example("352021234567")
@example("35202123456712")
@example("")
def test_text_without_exactly_thirteen_digits_is_always_refused_with_a_cnic_error(text):
    with pytest.raises(CnicError) as err:
        normalise_cnic(text)
    assert err.value.code in {"empty", "chars", "length"}
    assert not is_valid_cnic(text)


@given(st.one_of(st.text(), near_cnic_text))
@example("8520212345671")
@example("\u200f")
def test_any_text_is_either_a_canonical_cnic_or_refused_with_a_cnic_error(text):
    try:
        stored = normalise_cnic(text)
    except CnicError as err:
        assert err.code in {"empty", "chars", "length", "region"}
        return
    assert CANONICAL.match(stored)
    assert stored[0] in REGIONS
    # The stored digits are exactly the digits that were typed, in order.
    typed_digits = "".join(str(ALL_DIGITS.index(ch) % 10) for ch in text if ch in ALL_DIGITS)
    assert stored.replace("-", "") == typed_digits


def test_a_cnic_pasted_with_invisible_zero_width_characters_is_accepted():
    assert normalise_cnic("\u200b35202\u200c-1234567-1\ufeff") == "35202-1234567-1"


# --- the CNIC search as an index range ---------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from app.domain.cnic import prefix_range  # noqa: E402


@pytest.mark.parametrize("prefix, expected", [
    ("35202", ("35202", "35203")),
    ("35202-", ("35202", "35203")),
    ("35202-19", ("35202-19", "35202-2")),
    ("35209-9", ("35209-9", "3521")),
    ("3", ("3", "4")),
    ("99999-9999999-9", ("99999-9999999-9", None)),
])
def test_a_cnic_prefix_becomes_a_range_with_a_digit_upper_bound(prefix, expected):
    assert prefix_range(prefix) == expected


@given(st.integers(10**12, 10**13 - 1), st.integers(10**12, 10**13 - 1), st.integers(1, 15))
def test_the_range_holds_exactly_the_cnics_with_the_prefix_by_bytes_and_without_dashes(a, b, length):
    def shaped(n):
        d = str(n)
        return f"{d[:5]}-{d[5:12]}-{d[12]}"

    stored, typed = shaped(a), shaped(b)[:length]
    low, high = prefix_range(typed)
    for key in (lambda s: s, lambda s: s.replace("-", "")):  # C collation; a collation that skips dashes
        inside = key(low) <= key(stored) and (high is None or key(stored) < key(high))
        assert inside == stored.startswith(typed.rstrip("-")), (stored, typed, low, high)
