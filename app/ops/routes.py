"""/readyz beside /healthz, and /metrics behind a bearer token (404 while METRICS_TOKEN is unset)."""
from __future__ import annotations

import hmac

from flask import Blueprint, abort, current_app, jsonify, request

from ..extensions import csrf, limiter

bp = Blueprint("ops", __name__)


@bp.get("/readyz")
@limiter.exempt
def readyz():
    from .readiness import readiness

    ready, report = readiness(current_app)
    response = jsonify(report)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
@limiter.exempt
@csrf.exempt
def metrics():
    token = current_app.config.get("METRICS_TOKEN") or ""
    if not token:
        abort(404)
    offered = request.headers.get("Authorization", "")
    scheme, _, value = offered.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
        response = current_app.response_class("unauthorized\n", status=401, mimetype="text/plain")
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4

    from .metrics import exposition

    response = current_app.response_class(exposition(current_app), mimetype=None)
    response.headers["Content-Type"] = CONTENT_TYPE_PLAIN_0_0_4
    response.headers["Cache-Control"] = "no-store"
    return response
