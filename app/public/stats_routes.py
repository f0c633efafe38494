"""The public statistics: /stats (no sign-in), /stats/<table>.csv and /stats.json, with caching headers.

The figures are computed from summary tables on a read replica (read_session) at most once per
STATS_CACHE_SECONDS per process, and every response says when they were filled."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
import time

from flask import abort, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..complaint_texts import CATEGORY_NAMES, STATE_NAMES
from ..database import read_session
from ..extensions import limiter
from ..i18n import current_language
from ..rendering import render_page
from ..services.public_stats import TABLES, PublicFigures, PublicTable
from ..unit_of_work import service_context
from . import bp

CACHE = "pser_public_stats"
MARKER = "x"  # every hidden count, in CSV and on the page (JSON: null)
_lock = threading.Lock()

TABLE_TITLES = {
    "coverage": _l("Households registered, surveyed and verified"),
    "score_bands": _l("Households per score band"),
    "programmes": _l("Households eligible per programme"),
    "complaints": _l("Complaints by category and state"),
    "resolve_times": _l("Complaints resolved and the median days to resolve"),
}


class _Cached:
    def __init__(self, figures: PublicFigures, payload: dict):
        self.figures = figures
        self.payload = payload
        self.body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        self.etag = hashlib.sha256(self.body.encode()).hexdigest()[:32]
        self.filled = time.monotonic()
        self.html: dict[str, Markup] = {}  # the figures' markup per language


def _name_complaint_texts(table: PublicTable) -> None:
    for item in [*table.lines, *table.columns]:
        names = CATEGORY_NAMES if item in table.lines else STATE_NAMES
        if item.key in names:
            with force_locale("en"):
                item.name_en = str(names[item.key])
            with force_locale("ur"):
                item.name_ur = str(names[item.key])


def _cached() -> _Cached:
    """The figures of this process, filled again when older than STATS_CACHE_SECONDS."""
    from ..services.public_stats import public_figures

    app = current_app._get_current_object()
    ttl = float(app.config.get("STATS_CACHE_SECONDS", 300))
    cached = app.extensions.get(CACHE)
    if cached is not None and time.monotonic() - cached.filled < ttl:
        return cached
    with _lock:
        cached = app.extensions.get(CACHE)
        if cached is None or time.monotonic() - cached.filled >= ttl:
            figures = public_figures(read_session(), service_context())
            _name_complaint_texts(figures.tables["complaints"])
            cached = app.extensions[CACHE] = _Cached(figures, figures_as_json(figures))
    return cached


def forget_public_stats(app) -> None:
    """Drop the cached figures (tests; or after a summaries rebuild in this process)."""
    app.extensions.pop(CACHE, None)


def figures_as_json(figures: PublicFigures) -> dict:
    """The /stats.json document (schema in the README's "Public statistics")."""
    def table_json(table: PublicTable) -> dict:
        return {
            "columns": [{"key": c.key, "en": c.name_en, "ur": c.name_ur} for c in table.columns],
            "rows": [{"key": ln.key, "level": ln.level, "code": ln.code, "en": ln.name_en, "ur": ln.name_ur,
                      "parent": ln.parent,
                      "values": {c.key: table.value(ln.key, c.key) for c in table.columns},
                      **({"median_days": table.medians.get(ln.key)} if table.key == "resolve_times" else {})}
                     for ln in table.lines],
        }

    return {
        "updated_at": figures.filled_at.isoformat(timespec="seconds"),
        "programmes_counted_at": (figures.programmes_counted_at.isoformat(timespec="seconds")
                                  if figures.programmes_counted_at else None),
        "threshold": 5,
        "scoring_model": {"version": figures.model_version, "illustrative": figures.model_illustrative},
        "median_days_approximate": True,
        "tables": {key: table_json(figures.tables[key]) for key in TABLES},
    }


def _cache_headers(response, cached: _Cached):
    seconds = int(current_app.config.get("STATS_CACHE_SECONDS", 300))
    response.headers["Cache-Control"] = f"public, max-age={seconds}"
    response.set_etag(cached.etag)
    response.last_modified = cached.figures.filled_at
    return response.make_conditional(request)


@bp.get("/stats")
@limiter.exempt
def stats():
    cached = _cached()
    figures = cached.figures
    lang = current_language()
    html = cached.html.get(lang)
    if html is None:  # the same for every visitor in this language: rendered once per cache fill
        html = cached.html[lang] = Markup(render_template(
            "public/stats_figures.html", figures=figures, tables=figures.tables, titles=TABLE_TITLES,
            marker=MARKER, lang=lang, charts=chart_rows(figures, lang)))
    return render_page("public/stats.html", "figures", figures_html=html)


def chart_rows(figures: PublicFigures, lang: str) -> dict[str, list]:
    """What each chart draws: only published counts (a hidden one is in the table, never a bar)."""
    def shown(table: PublicTable, line: str, columns) -> list[int] | None:
        values = [table.value(line, c) for c in columns]
        return None if any(v is None for v in values) else values

    t = figures.tables
    divisions = [ln for ln in t["coverage"].lines if ln.level == "division"]
    coverage = [(ln.name(lang), v) for ln in divisions
                if (v := shown(t["coverage"], ln.key, ["registered", "surveyed", "verified"])) and v[0]]
    def punjab_bars(table: PublicTable, line: str = "punjab") -> list:
        return [(c.name(lang), v) for c in table.columns if c.key != "total"
                and (v := table.value(line, c.key)) is not None]
    medians = t["resolve_times"].medians
    return {
        "coverage": coverage,
        "score_bands": punjab_bars(t["score_bands"]),
        "programmes": punjab_bars(t["programmes"]),
        "complaints": punjab_bars(t["complaints"], "total"),
        "resolve_times": [(ln.name(lang), medians[ln.key]) for ln in t["resolve_times"].lines
                          if ln.level in ("punjab", "division") and medians.get(ln.key) is not None],
    }


@bp.get("/stats.json")
@limiter.exempt
def stats_json():
    cached = _cached()
    response = current_app.response_class(cached.body, mimetype="application/json")
    return _cache_headers(response, cached)


@bp.get("/stats/<table>.csv")
@limiter.exempt
def stats_csv(table: str):
    if table not in TABLES:
        abort(404)
    cached = _cached()
    response = current_app.response_class(table_csv(cached.figures.tables[table]), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="pser-{table}.csv"'
    return _cache_headers(response, cached)


def table_csv(table: PublicTable) -> str:
    """One table as CSV: the same published figures, MARKER where a count is hidden."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    medians = table.key == "resolve_times"
    writer.writerow(["level", "code", "name_en", "name_ur", "parent", *(c.key for c in table.columns),
                     *(["median_days_approx"] if medians else [])])
    for line in table.lines:
        values = [MARKER if v is None else v for v in (table.value(line.key, c.key) for c in table.columns)]
        extra = [] if not medians else ["" if table.medians.get(line.key) is None else table.medians[line.key]]
        writer.writerow([line.level, line.code, line.name_en, line.name_ur, line.parent or "", *values, *extra])
    return out.getvalue()
