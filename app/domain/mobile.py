"""Pakistani mobile numbers: parsing to 03XXXXXXXXX and the network a prefix was issued to."""
from __future__ import annotations

import re

from .input_errors import InputError
from .numerals import to_latin_digits

# The networks the registration form offers, in its order. Warid merged into Jazz; its 032x numbers remain.
NETWORKS = ("jazz", "warid", "zong", "ufone", "telenor", "scom")

_SEPARATORS = re.compile(r"[\s\-().\u2010-\u2015\u2212\u200b-\u200f\u061c\ufeff]+")


class MobileError(InputError):
    """Why a text is not a mobile number: empty, chars or shape."""


def normalise_mobile(raw: str | None) -> str:
    """Accept 03XXXXXXXXX, +923XXXXXXXXX, 923XXXXXXXXX or 00923XXXXXXXXX; return 03XXXXXXXXX."""
    text = _SEPARATORS.sub("", to_latin_digits(raw or ""))
    if not text:
        raise MobileError("empty")
    # An international prefix (+ or 00) must be followed by Pakistan's country code.
    international = text.startswith("+")
    if international:
        text = text[1:]
    elif text.startswith("0092"):
        text = text[2:]
    if not text.isascii() or not text.isdigit():
        raise MobileError("chars")
    if international and not text.startswith("92"):
        raise MobileError("shape")
    if text.startswith("92") and len(text) == 12:
        text = "0" + text[2:]
    if not re.fullmatch(r"03\d{9}", text):
        raise MobileError("shape")
    return text


def networks_for_prefix(mobile: str) -> tuple[str, ...]:
    """The networks that issued this number's prefix; empty when the prefix is not a known one."""
    prefix = mobile[:4]
    if prefix.startswith("030"):
        return ("jazz",)
    if prefix.startswith("032"):
        return ("jazz", "warid")
    if prefix.startswith("031") or prefix in ("0370", "0371"):
        return ("zong",)
    if prefix.startswith("033"):
        return ("ufone",)
    if prefix.startswith("034"):
        return ("telenor",)
    if prefix == "0355":
        return ("scom",)
    return ()


def network_mismatch(mobile: str, network: str) -> str | None:
    """The network the prefix suggests when it disagrees with the chosen one, else None.

    Numbers move between networks, so this is a gentle warning and never a reason to refuse.
    """
    issued = networks_for_prefix(mobile)
    if not issued or network in issued:
        return None
    return issued[0]


def mask_mobile(mobile: str) -> str:
    """03001234567 -> 0300*****67."""
    return f"{mobile[:4]}*****{mobile[-2:]}"
