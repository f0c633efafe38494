"""Static files: fingerprinted copies with gzip and brotli twins, served by WhiteNoise for a year."""
from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
from pathlib import Path

import brotli
from flask import Flask
from whitenoise import WhiteNoise

log = logging.getLogger("pser.assets")

STATIC = Path(__file__).resolve().parent.parent / "static"
BUILD = STATIC / "build"
# What the pages link to. htmx arrives from the npm registry at `make install` (static/vendor, not committed).
SOURCES = ("css/app.css", "img/favicon.svg")
# Served as one file, so a page needs three requests on its critical path: HTML, CSS, script.
BUNDLES = {"js/bundle.js": ("vendor/htmx.min.js", "js/app.js")}
_COMPRESSIBLE = {".css", ".js", ".svg"}
YEAR = 365 * 24 * 3600


def _write_atomic(target: Path, data: bytes) -> None:
    # Several gunicorn workers may build at once: each writes a temporary file and renames it into place.
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temp, target)


def build_assets(static: Path = STATIC, build: Path = BUILD) -> dict[str, str]:
    """Return {source name: fingerprinted path under static/}, building what is missing."""
    manifest: dict[str, str] = {}
    contents: dict[str, bytes] = {}
    for name in SOURCES:
        if (static / name).exists():
            contents[name] = (static / name).read_bytes()
        else:
            log.warning("static file %s is missing; run `make install`", name)
    for name, parts in BUNDLES.items():
        missing = [part for part in parts if not (static / part).exists()]
        if missing:
            log.warning("static files %s are missing; run `make install`", ", ".join(missing))
            continue
        contents[name] = b"\n;\n".join((static / part).read_bytes() for part in parts)
    for name, data in contents.items():
        digest = hashlib.sha256(data).hexdigest()[:12]
        stem, suffix = os.path.splitext(name)
        fingerprinted = f"{stem}.{digest}{suffix}"
        target = build / fingerprinted
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            _write_atomic(target, data)
            if suffix in _COMPRESSIBLE:
                _write_atomic(target.with_name(target.name + ".gz"), gzip.compress(data, 9, mtime=0))
                _write_atomic(target.with_name(target.name + ".br"), brotli.compress(data, quality=11))
        manifest[name] = f"build/{fingerprinted}"
    return manifest


def init_assets(app: Flask) -> None:
    manifest = build_assets()
    app.extensions["asset_manifest"] = manifest

    def asset_url(name: str) -> str:
        return "/static/" + manifest.get(name, name)

    app.jinja_env.globals["asset_url"] = asset_url
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=str(STATIC),
        prefix="/static/",
        max_age=3600,
        immutable_file_test=lambda path, url: url.startswith("/static/build/"),
        add_headers_function=add_static_headers,
    )


def add_static_headers(headers, path: str, url: str) -> None:
    """WhiteNoise answers before Flask's after_request: the headers every page carries that matter for files."""
    from .security import STATIC_FILE_HEADERS, SVG_FILE_CSP

    for name, value in STATIC_FILE_HEADERS.items():
        headers[name] = value
    if path.endswith(".svg"):
        # An SVG opened on its own is a document that could run script: never.
        headers["Content-Security-Policy"] = SVG_FILE_CSP
