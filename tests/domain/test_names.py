"""A person's name: letters that can be seen, on one line, without direction controls; Urdu joiners welcome."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.names import BIDI_CONTROLS, PersonNameError, check_name, displayable, name_problem


@pytest.mark.parametrize(("text", "code"), [
    ("", "empty"), ("   ", "empty"), ("\u200b\u200c\u200d", "invisible"), ("\u3164\u3164", "invisible"),
    ("12345", "invisible"), ("A\nB", "lines"), ("Ali\u2028Khan", "lines"), ("Ali\u202dKhan", "bidi"),
    ("\u2066Ali\u2069", "bidi"), ("Ali\x07Khan", "control"),
])
def test_names_that_cannot_be_read_on_one_line_are_refused_with_their_reason(text, code):
    assert name_problem(text) == code
    with pytest.raises(PersonNameError) as refused:
        check_name(text)
    assert refused.value.code == code


def test_a_name_keeps_its_urdu_joiners_and_loses_extra_spaces():
    assert check_name("  محمد\u200cعلی   خان ") == "محمد\u200cعلی خان"


@given(st.text(max_size=30))
def test_an_accepted_name_has_letters_and_no_line_break_control_or_bidi(text):
    if name_problem(text) is None:
        name = check_name(text)  # what is stored
        assert not any(c in BIDI_CONTROLS or unicodedata.category(c) == "Cc" or c in "\u2028\u2029" for c in name)
        assert sum(unicodedata.category(c).startswith("L") for c in name) >= 2


@given(st.text(max_size=30))
def test_what_is_shown_back_has_no_control_or_bidi(text):
    assert not any(c in BIDI_CONTROLS or unicodedata.category(c) == "Cc" for c in displayable(text))
