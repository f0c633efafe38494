"""`POST /sms/inbound`: the SMS gateway hands over one message a citizen sent (`from`, `text`, form-encoded),
signed with `X-PSER-Signature`, the hex HMAC-SHA256 of the raw body under SMS_INBOUND_SECRET. The answer to
the citizen goes back through the outbox; the HTTP answer only tells the gateway the message was taken."""
from __future__ import annotations

import hashlib
import hmac
import logging

from flask import current_app, jsonify, request

from ..extensions import csrf, db, limiter
from ..rate_limits import shared_limit
from ..services.sms_inbound import handle_inbound_sms
from ..unit_of_work import service_context
from . import bp
from .limits import sms_gate

log = logging.getLogger("pser.sms")
SIGNATURE_HEADER = "X-PSER-Signature"


@bp.url_value_preprocessor
def keep_raw_body(endpoint, values):
    """Read the raw body before anything parses the form (the input guard does, in before_request): the
    signature is over these exact bytes, and the form is then parsed from the kept copy. The size limit
    (MAX_CONTENT_LENGTH) applies to this read."""
    if request.method == "POST":
        request.get_data(cache=True)


def signature_of(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _signed(secret: str) -> bool:
    given = request.headers.get(SIGNATURE_HEADER, "").strip().lower()
    return hmac.compare_digest(given.encode(), signature_of(secret, request.get_data(cache=True)).encode())


@bp.post("/inbound")
@csrf.exempt  # the gateway signs its requests instead: no browser, no session, no CSRF token
@limiter.limit(shared_limit("SMS_INBOUND_LIMIT"))
def inbound():
    config = current_app.config
    if not config.get("SMS_INBOUND_ENABLED"):
        return jsonify(status="not_found"), 404  # inbound SMS is not switched on here
    secret = config.get("SMS_INBOUND_SECRET") or ""
    if not secret:  # switched on but not configured: refuse rather than accept unsigned messages
        return jsonify(status="unavailable"), 503
    if not _signed(secret):
        return jsonify(status="forbidden"), 403
    ctx = service_context()
    result = handle_inbound_sms(db.session, ctx, sms_gate(config, ctx.hash_key), request.form.get("from"),
                                request.form.get("text"))
    log.info("inbound SMS: %s", result.outcome)
    return jsonify(status="accepted", replied=result.replied)
