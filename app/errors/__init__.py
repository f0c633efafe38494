"""Error pages in the visitor's language, as a page or as an htmx message; never a stack trace."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..rendering import render_page, wants_fragment
from ..services.keyset import BadCursor

ERRORS = {
    400: (_l("The request could not be understood"), _l("Something in the form was not right. Please go back, check it and send it again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("We could not find this page. Check the address, or start again from the home page.")),
    405: (_l("Not allowed"), _l("This page cannot be used this way. Please start again from the home page.")),
    409: (_l("Cannot be changed now"), _l("This household has been submitted and cannot be changed now.")),
    413: (_l("Too much data"), _l("What you sent is too large. Please shorten the text and try again.")),
    422: (_l("Please check the form"), _l("Some of the information is not valid. Please correct it and try again.")),
    429: (_l("Too many attempts"), _l("You have tried too many times. Please wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("Something went wrong on our side. What you typed is safe on your screen: please try again in a moment.")),
    503: (_l("Service busy"), _l("The portal is busy or under maintenance. Please try again in a few minutes.")),
}
# A page link (keyset cursor) that was edited, cut short or is from another list.
PAGE_LINK_MESSAGE = _l("This page link is not valid: it may have been changed or cut short. Please start again from the first page of the list.")
CSRF_MESSAGE = _l("This form has expired or was not sent from this site. Please go back, reload the page and send it again. What you typed is still on the previous page.")


# The last resort when even the error page cannot render (the database is gone, a template broke).
FALLBACK = (
    '<!doctype html><html lang="ur" dir="rtl"><meta charset="utf-8"><title>PSER</title>'
    "<p>معذرت، ابھی کچھ خرابی ہے۔ براہِ کرم تھوڑی دیر بعد دوبارہ کوشش کریں۔</p>"
    '<p lang="en" dir="ltr">Sorry, something went wrong. Please try again in a few minutes.</p></html>'
)


def _render_error(code: int, message=None, retry_after: str | None = None):
    title, default_message = ERRORS.get(code, ERRORS[500])
    context = {"code": code, "title": title, "message": message or default_message}
    try:
        response = render_page("errors/error.html", "error_message", status=code, **context)
    except Exception:  # noqa: BLE001
        current_app.logger.exception("the error page itself failed")
        return current_app.response_class(FALLBACK, status=code, mimetype="text/html")
    if wants_fragment():
        # Never swap an error over a half-filled form: show it in the page's message area instead.
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    if retry_after:
        response.headers["Retry-After"] = retry_after
    response.headers["Cache-Control"] = "no-store"
    return response


def error_response(code: int, message):
    """An error page (or htmx message) with `message`, for refusals made before a view runs."""
    return _render_error(code, message)


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        current_app.logger.info("CSRF refused on %s: %s", request.path, error.description)
        return _render_error(400, CSRF_MESSAGE)

    @app.errorhandler(BadCursor)
    def bad_cursor(_error):
        return _render_error(400, PAGE_LINK_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code == 429:
            retry = None
            limit = getattr(error, "limit", None)
            if limit is not None:
                retry = str(int(limit.limit.get_expiry()))
            return _render_error(429, retry_after=retry)
        return _render_error(code if code in ERRORS else (400 if 400 <= code < 500 else 500))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        current_app.logger.exception("unhandled error on %s", request.path)
        try:
            from ..unit_of_work import roll_back_request

            roll_back_request()
        except Exception:  # noqa: BLE001 - the page must render even when the database is gone
            pass
        code = 503 if _is_database_down(error) else 500
        return _render_error(code)

    app.register_error_handler(InternalServerError, lambda e: _render_error(500))


def _is_database_down(error: Exception) -> bool:
    from sqlalchemy.exc import OperationalError

    return isinstance(error, OperationalError)
