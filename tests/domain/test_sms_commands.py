"""Reading the texts feature-phone users send to the SMS number, as they really type them."""
from __future__ import annotations

import pytest

from app.domain.sms_commands import MAX_TEXT, fits_one_sms, is_gsm7, parse_sms, sms_units

CNIC = "35202-1234567-1"


@pytest.mark.parametrize("text", [
    "35202-1234567-1", "3520212345671", " 35202 1234567 1 ", "35202–1234567–1", "35202.1234567.1",
    "۳۵۲۰۲-۱۲۳۴۵۶۷-۱", "٣٥٢٠٢١٢٣٤٥٦٧١", "\u200f۳۵۲۰۲\u200f-۱۲۳۴۵۶۷-۱", "۳۵۲۰۲ ۱۲۳۴۵۶۷ ۱",
])
def test_a_bare_cnic_in_any_spelling_asks_for_the_status_in_urdu(text):
    assert parse_sms(text) == parse_sms(CNIC)
    command = parse_sms(text)
    assert (command.kind, command.cnic, command.language) == ("status", CNIC, "ur")


@pytest.mark.parametrize("text", [
    "STATUS 35202-1234567-1", "status 3520212345671", "Status:35202-1234567-1", "STATUS35202-1234567-1",
    "staus 35202-1234567-1", "Stauts 3520212345671", "check 35202 1234567 1", "status ۳۵۲۰۲۱۲۳۴۵۶۷۱",
    "STATUS 35202-1234567-1 please", "my cnic is 35202-1234567-1",
])
def test_a_latin_keyword_or_english_text_asks_for_the_status_in_english(text):
    command = parse_sms(text)
    assert (command.kind, command.cnic, command.language) == ("status", CNIC, "en")


@pytest.mark.parametrize("text", [
    "حیثیت 35202-1234567-1", "حیثیت ۳۵۲۰۲-۱۲۳۴۵۶۷-۱", "حيثيت ٣٥٢٠٢١٢٣٤٥٦٧١", "سٹیٹس 3520212345671",
    "اسٹیٹس: ۳۵۲۰۲ ۱۲۳۴۵۶۷ ۱", "صورتحال 35202-1234567-1", "صورت حال 35202-1234567-1",
    "میرا شناختی کارڈ ۳۵۲۰۲۱۲۳۴۵۶۷۱", "\u200fحیثیت\u200f ۳۵۲۰۲۱۲۳۴۵۶۷۱",
])
def test_an_urdu_keyword_asks_for_the_status_in_urdu(text):
    command = parse_sms(text)
    assert (command.kind, command.cnic, command.language) == ("status", CNIC, "ur")


@pytest.mark.parametrize("text", [
    "352021234567", "35202-123456-7", "35202123456712", "STATUS 35202-1234567-12", "حیثیت ۳۵۲۰۲۱۲۳۴۵۶۷",
    "85202-1234567-1", "03001234567", "status 1234567890",
])
def test_a_cnic_with_a_digit_too_few_or_too_many_or_a_wrong_region_is_a_typo(text):
    command = parse_sms(text)
    assert command.kind == "bad_cnic" and command.cnic is None


def test_the_typo_reply_keeps_the_language_of_the_request():
    assert parse_sms("STATUS 352021234567").language == "en"
    assert parse_sms("352021234567").language == "ur"
    assert parse_sms("حیثیت 352021234567").language == "ur"


@pytest.mark.parametrize("text", [
    "", "   ", "\u200f", "hello", "?", "STATUS", "حیثیت", "ok 12", "Your balance is Rs. 50", "کیا حال ہے",
    "x" * (MAX_TEXT + 1), "3" * 5000, "Free minutes! Dial *123#",
])
def test_garbage_empty_and_very_long_texts_get_help(text):
    assert parse_sms(text).kind == "help"


def test_help_is_in_english_for_latin_garbage_and_in_urdu_otherwise():
    assert parse_sms("hello").language == "en"
    assert parse_sms("کیا حال ہے").language == "ur"
    assert parse_sms("").language == "ur"
    assert parse_sms("???").language == "ur"


@pytest.mark.parametrize("text, language", [
    ("COMPLAINT 35202-1234567-1 The survey team never came to our street", "en"),
    ("complaint 3520212345671 The survey team never came to our street", "en"),
    ("Complain: 35202 1234567 1 The survey team never came to our street", "en"),
    ("شکایت 35202-1234567-1 The survey team never came to our street", "ur"),
    ("شکایت ۳۵۲۰۲-۱۲۳۴۵۶۷-۱ The survey team never came to our street", "ur"),
    ("شكايت ٣٥٢٠٢١٢٣٤٥٦٧١ The survey team never came to our street", "ur"),
])
def test_a_complaint_carries_its_cnic_and_its_text(text, language):
    command = parse_sms(text)
    assert (command.kind, command.cnic, command.language) == ("complaint", CNIC, language)
    assert command.text == "The survey team never came to our street"


def test_a_complaint_text_may_start_with_a_number_after_the_cnic():
    command = parse_sms("COMPLAINT 35202-1234567-1 5 days ago the team skipped our house")
    assert (command.kind, command.cnic, command.text) == ("complaint", CNIC, "5 days ago the team skipped our house")


def test_urdu_complaint_text_is_kept_as_written():
    command = parse_sms("شکایت 3520212345671 سروے ٹیم ہمارے گھر نہیں آئی")
    assert command.text == "سروے ٹیم ہمارے گھر نہیں آئی"


@pytest.mark.parametrize("text", ["COMPLAINT", "COMPLAINT 35202-1234567-1", "شکایت", "شکایت سروے ٹیم نہیں آئی",
                                  "complaint the team never came"])
def test_a_complaint_without_its_cnic_or_its_text_is_incomplete(text):
    assert parse_sms(text).kind == "complaint_incomplete"


def test_a_complaint_with_a_mistyped_cnic_is_a_typo():
    assert parse_sms("COMPLAINT 352021234567 the team never came").kind == "bad_cnic"


def test_sms_lengths_count_septets_for_english_and_utf16_units_for_urdu():
    assert sms_units("PSER: Verified.") == ("gsm7", 15)
    assert sms_units("a{b") == ("gsm7", 4)  # an extension character takes two septets
    assert sms_units("تصدیق شدہ") == ("ucs2", 9)
    assert is_gsm7("x" * 160) and fits_one_sms("x" * 160) and not fits_one_sms("x" * 161)
    assert fits_one_sms("ب" * 70) and not fits_one_sms("ب" * 71)
    assert not is_gsm7("curly ’quote")  # one typographic apostrophe sends the whole text as UCS-2
