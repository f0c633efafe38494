"""One template, two sizes: the whole page, or one of its blocks for an htmx request."""
from __future__ import annotations

from flask import Response, make_response, render_template, request
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    """htmx asked for a part of the page (a boosted request wants the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(template: str, block: str | None = None, *, status: int = 200, **context) -> Response:
    """Render `template`, or only `block` of it when htmx asks for a fragment; always Vary on HX-Request."""
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def htmx_redirect(location: str) -> Response:
    """Send the browser to another page after an htmx form: a full load, so the URL and title follow."""
    from .safe_redirect import redirect_target

    response = make_response("", 204)
    response.headers["HX-Redirect"] = redirect_target(location)
    response.vary.add("HX-Request")
    return response
