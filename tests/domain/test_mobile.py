"""Mobile numbers as a citizen types them, the one shape they are stored in, and the network hint."""
from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.domain.mobile import (
    NETWORKS,
    MobileError,
    mask_mobile,
    network_mismatch,
    networks_for_prefix,
    normalise_mobile,
)

STORED = re.compile(r"^03\d{9}$")
URDU = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"


def to_urdu(text: str) -> str:
    return text.translate(str.maketrans("0123456789", URDU))


def to_arabic_indic(text: str) -> str:
    return text.translate(str.maketrans("0123456789", ARABIC_INDIC))


# ---------------------------------------------------------------- accepted shapes


@pytest.mark.parametrize(
    "typed",
    [
        "03001234567",
        "+923001234567",
        "923001234567",
        "00923001234567",
        "0300 1234567",
        "0300-1234567",
        "0300-123-4567",
        "+92 300 1234567",
        "+92-300-1234567",
        "0092 300 123 4567",
        "(0300) 1234567",
        "  03001234567  ",
        "0300\u20131234567",
    ],
)
def test_mobile_typed_in_any_accepted_shape_is_stored_as_03(typed):
    assert normalise_mobile(typed) == "03001234567"


def test_mobile_typed_with_urdu_digits_is_stored_as_03():
    assert normalise_mobile("۰۳۰۰۱۲۳۴۵۶۷") == "03001234567"
    assert normalise_mobile("+۹۲۳۰۰۱۲۳۴۵۶۷") == "03001234567"
    assert normalise_mobile("۰۳۰۰-۱۲۳۴۵۶۷") == "03001234567"


def test_mobile_typed_with_arabic_indic_digits_is_stored_as_03():
    assert normalise_mobile("٠٣٠٠١٢٣٤٥٦٧") == "03001234567"


def test_mobile_pasted_with_direction_marks_is_stored_as_03():
    assert normalise_mobile("\u200f۰۳۳۳\u200f-\u200f۱۲۳۴۵۶۷\u200f") == "03331234567"


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("typed", ["", None, "   ", "--", "( )", "\u200f"])
def test_blank_mobile_is_refused_as_empty(typed):
    with pytest.raises(MobileError) as err:
        normalise_mobile(typed)
    assert err.value.code == "empty"


@pytest.mark.parametrize(
    "typed",
    ["0300-12a4567", "O3001234567", "0300+1234567", "+", "++923001234567", "phone", "0300_1234567", "０３００１２３４５６７"],
)
def test_mobile_with_letters_or_stray_symbols_is_refused_as_chars(typed):
    with pytest.raises(MobileError) as err:
        normalise_mobile(typed)
    assert err.value.code == "chars"


@pytest.mark.parametrize(
    "typed",
    [
        "0300123456",  # one digit short
        "030012345678",  # one digit too many
        "04235761234",  # a Lahore landline
        "3001234567",  # the leading 0 forgotten
        "+443001234567",  # not Pakistan
        "9230012345678",
        "+92300123456",
        "00923001234",
        "92",
    ],
)
def test_mobile_of_the_wrong_shape_is_refused_as_shape(typed):
    with pytest.raises(MobileError) as err:
        normalise_mobile(typed)
    assert err.value.code == "shape"


def test_mobile_error_is_a_value_error_carrying_its_code():
    with pytest.raises(ValueError) as err:
        normalise_mobile("abc")
    assert isinstance(err.value, MobileError)
    assert err.value.code == "chars"


# ---------------------------------------------------------------- networks


@pytest.mark.parametrize(
    ("mobile", "networks"),
    [
        ("03001234567", ("jazz",)),
        ("03091234567", ("jazz",)),
        ("03201234567", ("jazz", "warid")),
        ("03241234567", ("jazz", "warid")),
        ("03101234567", ("zong",)),
        ("03181234567", ("zong",)),
        ("03701234567", ("zong",)),
        ("03711234567", ("zong",)),
        ("03301234567", ("ufone",)),
        ("03331234567", ("ufone",)),
        ("03401234567", ("telenor",)),
        ("03451234567", ("telenor",)),
        ("03551234567", ("scom",)),
    ],
)
def test_prefix_names_the_network_that_issued_it(mobile, networks):
    assert networks_for_prefix(mobile) == networks


@pytest.mark.parametrize("mobile", ["03501234567", "03561234567", "03721234567", "03601234567", "03901234567"])
def test_unknown_prefix_names_no_network(mobile):
    assert networks_for_prefix(mobile) == ()


@pytest.mark.parametrize("tens", list("0123456789"))
def test_every_030x_and_032x_number_is_jazz_and_032x_also_warid(tens):
    assert networks_for_prefix(f"030{tens}1234567") == ("jazz",)
    assert networks_for_prefix(f"032{tens}1234567") == ("jazz", "warid")


def test_registration_form_offers_the_six_networks_in_order():
    assert NETWORKS == ("jazz", "warid", "zong", "ufone", "telenor", "scom")


def test_every_network_a_prefix_names_is_one_the_form_offers():
    for a in "0123456789":
        for b in "0123456789":
            assert set(networks_for_prefix(f"03{a}{b}1234567")) <= set(NETWORKS)


def test_choosing_another_network_than_the_prefix_suggests_gives_a_gentle_hint():
    assert network_mismatch("03001234567", "zong") == "jazz"
    assert network_mismatch("03331234567", "telenor") == "ufone"
    assert network_mismatch("03451234567", "jazz") == "telenor"
    assert network_mismatch("03551234567", "ufone") == "scom"
    assert network_mismatch("03701234567", "jazz") == "zong"
    assert network_mismatch("03201234567", "zong") == "jazz"


def test_warid_chosen_for_a_030x_number_suggests_jazz():
    assert network_mismatch("03001234567", "warid") == "jazz"


def test_choosing_the_network_the_prefix_suggests_gives_no_hint():
    assert network_mismatch("03001234567", "jazz") is None
    assert network_mismatch("03151234567", "zong") is None
    assert network_mismatch("03711234567", "zong") is None
    assert network_mismatch("03331234567", "ufone") is None
    assert network_mismatch("03421234567", "telenor") is None
    assert network_mismatch("03551234567", "scom") is None


def test_old_warid_number_may_be_registered_as_jazz_or_warid_without_hint():
    assert network_mismatch("03211234567", "jazz") is None
    assert network_mismatch("03211234567", "warid") is None


@pytest.mark.parametrize("network", NETWORKS)
def test_unknown_prefix_never_gives_a_hint(network):
    assert network_mismatch("03561234567", network) is None
    assert network_mismatch("03901234567", network) is None


# ---------------------------------------------------------------- masking


def test_masked_mobile_shows_the_prefix_and_last_two_digits_only():
    assert mask_mobile("03001234567") == "0300*****67"


def test_masked_mobile_hides_the_middle_digits():
    masked = mask_mobile("03459876543")
    assert "98765" not in masked
    assert sum(ch.isdigit() for ch in masked) == 6
    assert len(masked) == 11


# ---------------------------------------------------------------- properties

valid_mobiles = st.builds(lambda rest: "03" + rest, st.text(alphabet="0123456789", min_size=9, max_size=9))
separator = st.sampled_from(["", "", "", " ", "-", "\u2013", "\u00a0", "\u200f"])


@given(valid_mobiles)
def test_any_valid_mobile_is_stored_as_itself(mobile):
    assert normalise_mobile(mobile) == mobile


@given(valid_mobiles, st.sampled_from(["0", "+92", "92", "0092"]), st.sampled_from([str, to_urdu, to_arabic_indic]))
def test_any_valid_mobile_in_every_accepted_shape_and_script_is_stored_as_03(mobile, country, script):
    typed = script(country + mobile[1:])
    assert normalise_mobile(typed) == mobile


@given(valid_mobiles, st.sampled_from(["0", "+92", "92", "0092"]), st.lists(separator, min_size=11, max_size=11))
def test_any_valid_mobile_with_spaces_and_dashes_between_digits_is_stored_as_03(mobile, country, seps):
    rest = mobile[1:]
    typed = country + "".join(sep + d for sep, d in zip(seps, rest)) + seps[-1]
    assert normalise_mobile(typed) == mobile


near_mobile_text = st.text(alphabet="0123456789+ -()" + URDU, max_size=20)


@given(st.one_of(st.text(), near_mobile_text))
@example("+")
@example("00")
@example("92")
def test_any_text_is_either_a_stored_mobile_or_refused_with_a_mobile_error(text):
    try:
        stored = normalise_mobile(text)
    except MobileError as err:
        assert err.code in {"empty", "chars", "shape"}
        return
    assert STORED.match(stored)
    assert normalise_mobile(stored) == stored


@pytest.mark.parametrize("raw", ["+03001234567", "0003001234567", "+13001234567"])
def test_an_international_prefix_must_be_followed_by_pakistans_code(raw):
    with pytest.raises(MobileError):
        normalise_mobile(raw)
