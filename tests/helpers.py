"""Small helpers the view tests share."""
from __future__ import annotations

import re
from contextlib import contextmanager

from flask_babel import force_locale, gettext

URDU_LETTERS = re.compile(r"[\u0600-\u06FF]")


def urdu(app, msgid: str, **kwargs) -> str:
    """The Urdu text a citizen sees for `msgid`, as the running app translates it."""
    with app.test_request_context():
        with force_locale("ur"):
            text = gettext(msgid, **kwargs)
    return text


def urdu_plural(app, singular: str, plural: str, n: int, **kwargs) -> str:
    from flask_babel import ngettext

    with app.test_request_context():
        with force_locale("ur"):
            return ngettext(singular, plural, n, **kwargs)


def english(app, msgid: str, **kwargs) -> str:
    with app.test_request_context():
        with force_locale("en"):
            text = gettext(msgid, **kwargs)
    return text


def html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")


def page_text(response) -> str:
    return response.get_data(as_text=True)


def valid_registration(**overrides) -> dict:
    data = {
        "full_name": "Muhammad Ali Khan",
        "cnic": "35202-7654321-3",
        "network": "jazz",
        "mobile": "03001234567",
        "email": "",
        "password": "Kites-Over-Ravi-77",
        "confirm_password": "Kites-Over-Ravi-77",
    }
    data.update(overrides)
    return data


def at_the_same_instant(actions, timeout: float = 120) -> list:
    """Run each callable in its own thread, all released together, with rate limits off (they all come
    from one address); return their results in order."""
    import threading

    from app.extensions import limiter

    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        barrier.wait()
        results[index] = action()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    limiter.enabled = False
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout)
    finally:
        limiter.enabled = True
    return results


@contextmanager
def statements_issued(app):
    """Every SQL statement the app's engine sends inside the block, as text (to show a page reads summaries,
    never the registry)."""
    from sqlalchemy import event

    from app.extensions import db

    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", remember)
