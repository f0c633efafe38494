"""Language: the one chosen on this device (cookie), else the signed-in user's preference, else Urdu."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

RTL_LANGUAGES = {"ur"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    # ?lang=en: this one answer in that language, for search engines, which keep no cookie (app.findability).
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    # The choice made on this device comes first: signing in never switches the page back to the account's.
    chosen = request.cookies.get(current_app.config["LANG_COOKIE"])
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "ur")


def text_direction() -> str:
    return "rtl" if current_language() in RTL_LANGUAGES else "ltr"


# Dates and times in the reader's language, one style everywhere: Babel's own patterns for the locale
# ("5 مارچ، 2024 2:07 دوپہر" in Urdu, "Mar 5, 2024, 2:07 PM" in English). Urdu names the part of the day
# (صبح، دوپہر، شام، رات) rather than Babel's untranslated "AM/PM".
_TIME_SKELETONS = {"ur": "Bhm"}


def when(value: datetime | date | None, time: bool = True) -> str:
    """A moment (or a day) for a page: in the display time zone, Babel's medium date, then the time."""
    if value is None:
        return ""
    locale = get_locale()
    date_pattern = locale.datetime_skeletons["yMMMd"].pattern
    if not isinstance(value, datetime):
        return format_date(value, date_pattern)
    if not time:
        # format_datetime, not format_date: only it moves a UTC moment into the display time zone.
        return format_datetime(value, date_pattern)
    time_pattern = locale.datetime_skeletons[_TIME_SKELETONS.get(locale.language, "hm")].pattern
    glue = locale.datetime_formats["medium"]
    return format_datetime(value, glue.replace("{1}", date_pattern).replace("{0}", time_pattern))


def left_to_right(value: object) -> str:
    """A number (CNIC, mobile, tracking number) kept left to right inside a sentence of either direction:
    Unicode isolates (LRI … PDI), for messages and SMS texts where markup cannot go."""
    return f"\u2066{value}\u2069"
