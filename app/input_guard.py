"""Request-wide refusals of input no person types, answered with a clear message instead of a database error.

- Record numbers in paths (`<int:…>`) stop at PostgreSQL's `integer`: a larger number is no record (404).
- NUL and the other control characters (PostgreSQL refuses NUL in text) in a query string, a form field or
  a path part: 400 with a message saying what to change. Tabs and line breaks stay allowed (a textarea).
- A file where the portal's forms take only text (multipart with a file part): 400.
"""
from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from .forms_common import INT32_MAX

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_MESSAGE = _l("What you sent holds characters that cannot be typed (control characters), so it was not "
                     "saved. Please type the text again, without pasting it, and send it once more.")
FILE_MESSAGE = _l("This form takes no files. Please type the answer into the field instead.")


class RecordNumberConverter(IntegerConverter):
    """`<int:…>` for record numbers: digits only, 1 to 2³¹−1 (PostgreSQL `integer`); else the route does not match."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT32_MAX)
        super().__init__(map, *args, **kwargs)
        # Werkzeug's pattern takes any number of digits; 10 digits at most keeps the check cheap.
        self.regex = r"\d{1,10}"


def _texts():
    """Every piece of text the request carries to a view: query, form (names and values), path parts."""
    for multidict in (request.args, request.form):
        for key, values in multidict.lists():
            yield key
            yield from values
    for value in (request.view_args or {}).values():
        if isinstance(value, str):
            yield value


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def init_input_guard(app: Flask) -> None:
    # Before any blueprint registers its routes: the rules take the converter when they are added.
    app.url_map.converters["int"] = RecordNumberConverter

    @app.before_request
    def refuse_unreadable_input():
        from .errors import error_response

        if request.files:
            return error_response(400, FILE_MESSAGE)
        if any(has_control_characters(text) for text in _texts()):
            return error_response(400, CONTROL_MESSAGE)
        return None
