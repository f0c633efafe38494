"""What a text message sent to the portal's SMS number asks for: a status by CNIC (bare, or behind a keyword
such as STATUS or حیثیت), a complaint ("COMPLAINT <CNIC> <text>" or "شکایت <CNIC> <text>"), or nothing we
understand (help). Also the language to answer in and the SMS encodings' lengths. Plain Python."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .cnic import REGIONS
from .numerals import to_latin_digits

# A text longer than this is no request a person typed on a keypad: help, never parsed further.
MAX_TEXT = 2000

STATUS_KEYWORDS_LATIN = ("status", "staus", "satus", "stauts", "statas", "stetus", "statu", "sttus", "check",
                         "info", "halat", "haisiyat", "haisiat", "hesiyat", "stats")
STATUS_KEYWORDS_URDU = ("حیثیت", "حيثيت", "حیثیّت", "سٹیٹس", "اسٹیٹس", "سٹیٹس", "اسٹیٹس", "سٹیٹ", "سٹیس",
                        "اسٹیس", "سٹیٹیس", "اسٹیٹیس", "صورتحال", "صورت حال", "معلومات", "حالت", "سٹیٹس")
COMPLAINT_KEYWORDS_LATIN = ("complaint", "complain", "complaints", "compliant", "complant", "complaine",
                            "shikayat", "shikayt", "shkayat")
COMPLAINT_KEYWORDS_URDU = ("شکایت", "شکايت", "شكايت", "شکایات")

# What may stand between the parts of a message and inside a CNIC: spaces, dashes of every kind, dots,
# the invisible direction marks Urdu keyboards insert. (app.domain.cnic takes the same, without dots.)
_GAP = r"[\s\-\u2010-\u2015\u2212\u200b-\u200f\u2066-\u2069\u061c\u066b\u066c\ufeff.,_/]"
_DIGIT_RUN = re.compile(rf"\d(?:{_GAP}*\d)*")
_THIRTEEN_DIGITS = re.compile(rf"\d(?:{_GAP}*\d){{12}}(?!\d)")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2066-\u2069\u061c\ufeff]")
_SPACES = re.compile(r"\s+")
# Urdu letters spelled in Arabic forms (ي ك ى ه) fold to the Urdu ones (ی ک ی ہ) before comparing keywords.
_URDU_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ۃ": "ہ"})

ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
LATIN_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class SmsCommand:
    """`kind`: status, complaint, bad_cnic (a number that is no CNIC: a typo), complaint_incomplete (the
    keyword without a CNIC or text) or help (empty, garbage, too long). `language`: ur or en."""

    kind: str
    language: str
    cnic: str | None = None
    text: str | None = None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = _INVISIBLE.sub("", to_latin_digits(text)).translate(_URDU_FOLD)
    return _SPACES.sub(" ", text).strip()


def _language(text: str) -> str:
    """English when the text is written in Latin letters and has no Urdu; Urdu otherwise (a bare CNIC too)."""
    if LATIN_LETTER.search(text) and not ARABIC_SCRIPT.search(text):
        return "en"
    return "ur"


def _fold_keywords(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({_clean(w) for w in words}, key=len, reverse=True))  # longest first: "صورت حال"


_STATUS_URDU = _fold_keywords(STATUS_KEYWORDS_URDU)
_COMPLAINT_URDU = _fold_keywords(COMPLAINT_KEYWORDS_URDU)


def _keyword(text: str) -> tuple[str | None, str | None, str]:
    """(kind, language of the keyword, the rest) when the text starts with a keyword, else (None, None, text)."""
    match = re.match(r"([A-Za-z]+)[\s:.\-,#]*", text)
    if match:
        word = match.group(1).lower()
        rest = text[match.end():]
        if word in STATUS_KEYWORDS_LATIN:
            return "status", "en", rest
        if word in COMPLAINT_KEYWORDS_LATIN:
            return "complaint", "en", rest
        return None, None, text
    for kind, words in (("complaint", _COMPLAINT_URDU), ("status", _STATUS_URDU)):
        for word in words:
            if text.startswith(word):
                rest = text[len(word):]
                if rest and not re.match(r"[\s:.\-،,#\d]", rest):
                    continue  # a longer word that merely starts the same way
                return kind, "ur", rest.lstrip(" :.-،,#")
    return None, None, text


def _read_cnic(match: re.Match) -> tuple[str | None, bool]:
    """(canonical CNIC, False) for 13 digits with a known first digit; (None, True) for a number near that
    length (10 to 16 digits: a typo, or a mobile number sent by mistake); (None, False) for a short number."""
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) == 13 and digits[0] in REGIONS:
        return f"{digits[:5]}-{digits[5:12]}-{digits[12]}", False
    return None, 10 <= len(digits) <= 16


def parse_sms(raw: str | None) -> SmsCommand:
    """Read one inbound message. Never raises: anything not understood is `help`."""
    if raw is None or len(raw) > MAX_TEXT:
        return SmsCommand("help", _language(raw or ""))
    text = _clean(raw)
    if not text:
        return SmsCommand("help", "ur")
    kind, keyword_language, rest = _keyword(text)
    language = keyword_language or _language(text)
    if kind == "complaint":
        # The CNIC must follow the keyword: the rest of the message is the complaint, numbers included.
        match = _THIRTEEN_DIGITS.match(rest) or _DIGIT_RUN.match(rest)
        if match is None:
            return SmsCommand("complaint_incomplete", language)
        cnic, typo = _read_cnic(match)
        if cnic is None:
            return SmsCommand("bad_cnic", language) if typo else SmsCommand("complaint_incomplete", language)
        complaint = rest[match.end():].strip(" :.-،,")
        if not complaint:
            return SmsCommand("complaint_incomplete", language)
        return SmsCommand("complaint", language, cnic=cnic, text=complaint)
    # A status: the first number in the message, with or without a keyword, wherever it stands
    # ("35202 1234567 1", "STATUS 3520212345671", "mera cnic 35202-1234567-1 hai").
    match = _DIGIT_RUN.search(rest)
    if match is None:
        return SmsCommand("help", language)
    cnic, typo = _read_cnic(match)
    if cnic:
        return SmsCommand("status", language, cnic=cnic)
    return SmsCommand("bad_cnic", language) if typo or kind == "status" else SmsCommand("help", language)


# --- lengths of one SMS ---------------------------------------------------------------------------

# The GSM 03.38 default alphabet (one septet each) and its extension table (two septets: escape + char).
GSM7_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = set("^{}\\[~]|€\f")
GSM7_SINGLE = 160
UCS2_SINGLE = 70


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def sms_units(text: str) -> tuple[str, int]:
    """('gsm7', septets) when the text fits the GSM alphabet, else ('ucs2', UTF-16 code units)."""
    if is_gsm7(text):
        return "gsm7", sum(2 if c in GSM7_EXTENDED else 1 for c in text)
    return "ucs2", len(text.encode("utf-16-le")) // 2


def fits_one_sms(text: str) -> bool:
    encoding, units = sms_units(text)
    return units <= (GSM7_SINGLE if encoding == "gsm7" else UCS2_SINGLE)
