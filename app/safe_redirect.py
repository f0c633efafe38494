"""The one guard for every redirect the portal makes: only a path on this site, judged as a browser reads it.

Browsers parse a Location (or htmx's HX-Redirect) by the WHATWG URL rules, which are looser than Python's:
leading and trailing C0 controls and spaces are dropped, tabs and newlines are removed *anywhere*, and a
backslash counts as a slash. So `/\\t/evil.example`, `/\\\\evil.example` and `\\/evil.example` all mean
`//evil.example`, another host. The guard applies the same rules first and then accepts only a plain
absolute path (one leading slash), or an absolute URL of this very host (a Referer), reduced to its path.
"""
from __future__ import annotations

import logging
import re
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, request, url_for
from werkzeug.urls import iri_to_uri

log = logging.getLogger("pser.redirects")

MAX_TARGET_LENGTH = 2000
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
# Anything still invisible or controlling after the browser's clean-up: refused rather than guessed at.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def browser_normalised(target: str) -> str:
    """What a browser makes of `target` before resolving it (WHATWG URL parser, basic preparation)."""
    target = target.strip(_C0_OR_SPACE)
    target = _TAB_OR_NEWLINE.sub("", target)
    return target.replace("\\", "/")


def safe_path(target: object, *, host: str | None = None) -> str | None:
    """`target` as a path of this site (with its query), or None when a browser could read it as anywhere else.

    `host`: this site's host; an absolute http(s) URL naming exactly it is accepted (a Referer is one)."""
    if not isinstance(target, str) or not target or len(target) > MAX_TARGET_LENGTH:
        return None
    cleaned = browser_normalised(target)
    if _UNSAFE.search(cleaned):
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:  # e.g. an unbalanced "[" that urlsplit reads as an IPv6 host
        return None
    if parts.scheme or parts.netloc:
        if not host or parts.scheme.lower() not in ("http", "https") or parts.netloc.lower() != host.lower():
            return None
        cleaned = parts.path or "/"
        if parts.query:
            cleaned += "?" + parts.query
        parts = urlsplit(cleaned)
    if not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    # A proxy or server that decodes before routing would see "//host" in "/%2F/host": refuse those too.
    decoded = browser_normalised(unquote(parts.path))
    if decoded.startswith("//") or _UNSAFE.search(decoded):
        return None
    result = cleaned.split("#", 1)[0]
    return iri_to_uri(result)  # ASCII only: a header value never fails to encode


def redirect_target(target: object, *, fallback: str | None = None, refuse_prefixes: tuple[str, ...] = ()) -> str:
    """For a view: `target` when it is a safe path of this site (and not under `refuse_prefixes`), else
    `fallback` (the home page by default)."""
    path = safe_path(target, host=request.host)
    if path is None or (refuse_prefixes and path.startswith(refuse_prefixes)):
        return fallback or url_for("public.index")
    return path


def init_redirect_guard(app: Flask) -> None:
    """The last line: no answer leaves with a Location or HX-Redirect that points off this site."""

    @app.after_request
    def guard_redirects(response: Response) -> Response:
        for header in ("Location", "HX-Redirect"):
            value = response.headers.get(header)
            if value is not None and safe_path(value, host=request.host) is None:
                log.warning("refused an off-site %s header on %s", header, request.path)
                response.headers[header] = url_for("public.index")
        return response
