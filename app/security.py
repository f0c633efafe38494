"""Response headers that every page carries: CSP without eval or inline script, and friends."""
from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


# Static files are served by WhiteNoise (app.assets) before Flask sees the request: these ride with them.
STATIC_FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
SVG_FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), payment=(), geolocation=(self)")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Pages about a person, and answers to posted forms, stay out of shared and back-button caches.
        if response.mimetype == "text/html" and (
            request.method != "GET" or getattr(current_user, "is_authenticated", False)
        ):
            headers["Cache-Control"] = "no-store"
        elif response.mimetype == "text/html":
            # Every page carries a CSRF token and speaks the visitor's language: never a shared cache.
            headers.setdefault("Cache-Control", "private, no-cache")
        return response
