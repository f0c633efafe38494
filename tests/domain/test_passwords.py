"""Password rules as a citizen choosing one meets them."""
from __future__ import annotations

import pytest

from app.domain.passwords import MAX_LENGTH, MIN_LENGTH, password_problem

STRONG = "Kites-Over-Ravi-77"
CNIC = "35202-1234567-1"
MOBILE = "03001234567"


def test_limits_are_eight_and_one_hundred_twenty_eight():
    assert (MIN_LENGTH, MAX_LENGTH) == (8, 128)


@pytest.mark.parametrize("password", ["", "a", "Kt-7!rQ", "۱۲۳۴۵۶۷"])
def test_password_shorter_than_eight_characters_is_too_short(password):
    assert password_problem(password) == "too_short"


def test_eight_random_characters_are_long_enough_but_too_easy_to_guess_and_nine_are_enough():
    # zxcvbn's score 3 (about 10^8 guesses or more) is the bar: eight random characters reach only 2.
    assert password_problem("Kt-7!rQz") == "weak"
    assert password_problem("Kt-7!rQz9") is None


def test_password_longer_than_one_hundred_twenty_eight_characters_is_too_long():
    assert password_problem("Kites-Over-Ravi-" * 8 + "x") == "too_long"  # 129 characters


def test_password_of_exactly_one_hundred_twenty_eight_characters_is_accepted():
    password = ("Kites-Over-Ravi-" * 8)
    assert len(password) == 128
    assert password_problem(password) is None


@pytest.mark.parametrize(
    "password",
    ["password", "12345678", "pakistan123", "qwerty123", "bismillah786", "pakistanzindabad", "iloveyou"],
)
def test_password_attackers_try_first_is_refused_as_common(password):
    assert password_problem(password) == "common"


@pytest.mark.parametrize("password", ["PASSWORD", "Pakistan123", "QWERTY123"])
def test_common_password_with_capital_letters_is_still_common(password):
    assert password_problem(password) == "common"


@pytest.mark.parametrize(
    "password",
    ["۱۲۳۴۵۶۷۸", "١٢٣٤٥٦٧٨", "۱۲۳۴۵۶۷۸۹", "۱۱۲۲۳۳۴۴", "pakistan۱۲۳", "۷۸۶۷۸۶۷۸۶"],
)
def test_common_password_typed_with_urdu_digits_is_still_common(password):
    assert password_problem(password) == "common"


@pytest.mark.parametrize("password", ["11111111", "12121212", "۹۹۹۹۹۹۹۹۹", "00001111"])
def test_password_of_one_or_two_repeated_digits_is_common(password):
    assert password_problem(password) == "common"


def test_strong_password_is_accepted():
    assert password_problem(STRONG) is None
    assert password_problem(STRONG, personal=(CNIC, MOBILE)) is None


@pytest.mark.parametrize(
    "password",
    [
        "3520212345671",
        "35202-1234567-1",
        "me35202-1234567-1!",
        "Cnic3520212345671",
        "۳۵۲۰۲۱۲۳۴۵۶۷۱",
        "Zx1234567q",  # the middle seven digits
        "Raviq234567",  # the last six digits
    ],
)
def test_password_containing_the_users_cnic_digits_is_refused_as_personal(password):
    assert password_problem(password, personal=(CNIC,)) == "personal"


@pytest.mark.parametrize(
    "password",
    ["03001234567", "Ali03001234567", "0300-1234567x", "Kite3001234567", "۰۳۰۰۱۲۳۴۵۶۷ab"],
)
def test_password_containing_the_users_mobile_is_refused_as_personal(password):
    assert password_problem(password, personal=(CNIC, MOBILE)) == "personal"


def test_personal_values_typed_in_urdu_digits_are_still_recognised():
    assert password_problem("Zz3520212345671", personal=("۳۵۲۰۲-۱۲۳۴۵۶۷-۱",)) == "personal"


def test_same_password_is_not_personal_for_someone_whose_numbers_it_does_not_contain():
    assert password_problem("Raviq234567", personal=("42101-9876543-2", "03459876543")) != "personal"
    assert password_problem("Raviq234567", personal=(CNIC,)) == "personal"


def test_five_digits_shared_with_the_cnic_are_not_enough_to_call_it_personal():
    # A short run of digits appears in many numbers; only six or more count.
    assert password_problem("Kites-Ravi-23456", personal=(CNIC,)) is None


def test_empty_personal_values_are_ignored():
    assert password_problem(STRONG, personal=("", "---")) is None


@pytest.mark.parametrize("password", ["Me+923001234567", "pk923001234567"])
def test_password_containing_the_users_mobile_in_international_form_is_refused_as_personal(password):
    assert password_problem(password, personal=(CNIC, MOBILE)) == "personal"


NAME = "Muhammad Ali Khan"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaa", "repeated"),
        ("passwordpassword", "repeated"),
        ("abcdefgh", "sequence"),
        ("lahore786", "words"),
        ("bismillah1", "common"),
        ("zxcvbnm,./", "keyboard"),
        ("14-08-1990", "dates"),
    ],
)
def test_passwords_a_guesser_tries_early_are_refused_with_the_reason(password, reason):
    assert password_problem(password, personal=(NAME, CNIC, MOBILE)) == reason


@pytest.mark.parametrize("password", ["Muhammad Ali Khan", "muhammadalikhan", "Khan-Muhammad-Ali", "AliKhan2024"])
def test_the_users_own_name_in_any_order_is_refused_as_personal(password):
    assert password_problem(password, personal=(NAME, CNIC, MOBILE)) == "personal"


def test_a_name_shared_with_one_word_of_a_strong_password_does_not_spoil_it():
    assert password_problem(STRONG, personal=("Ravi Kumar", CNIC, MOBILE)) is None


@pytest.mark.parametrize(
    "password",
    ["\u200b" * 10, "\u200b" * 3 + "Kites-Over-Ravi-77", "Kites\u2066-Over-Ravi-77", "Kites\nOver-Ravi-77",
     "Kites\u00a0Over-Ravi-77", "\ufeff" * 12],
)
def test_passwords_with_invisible_characters_are_refused(password):
    assert password_problem(password) == "invisible"


@pytest.mark.parametrize("password", [STRONG, "Punjab-Demo-2026", "Something-Else-99", "ہرا-پنکھا-ستارہ-۴۲"])
def test_passwords_of_unrelated_words_and_signs_are_accepted(password):
    assert password_problem(password, personal=(NAME, CNIC, MOBILE)) is None
