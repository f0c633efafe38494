"""The helpline number (HELPLINE), shown wherever the portal tells someone to call for help."""
from __future__ import annotations

from flask import Flask, current_app
from markupsafe import Markup, escape


def helpline_number() -> str:
    return current_app.config.get("HELPLINE") or ""


def helpline_link() -> Markup:
    """The number as a tap-to-call link, isolated left-to-right so that it reads the same in an Urdu sentence."""
    number = helpline_number()
    dial = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return Markup('<bdi dir="ltr"><a href="tel:{}">{}</a></bdi>').format(dial, number) if number else Markup("")


def init_helpline(app: Flask) -> None:
    app.jinja_env.globals.update(helpline_number=helpline_number, helpline_link=helpline_link)
