"""Language: the one chosen on this device (cookie), else the signed-in user's preference, else Urdu."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user

RTL_LANGUAGES = {"ur"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
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
