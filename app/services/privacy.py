"""Keyed hashes for identifiers that logs and counters must not hold in plain."""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def audit_key(secret_key: str) -> bytes:
    """The key of keyed_hash, from the app's secret (plain values in, so set-based writers can use it)."""
    # A key of its own would let the secret rotate without orphaning audit trails; derived for now.
    return hashlib.sha256(b"pser-audit:" + secret_key.encode()).digest()


def _key() -> bytes:
    return audit_key(current_app.config["SECRET_KEY"])


def keyed_hash(value: str | None) -> str | None:
    if not value:
        return None
    return hmac.new(_key(), value.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """Session and OTP secrets are kept as plain SHA-256: they are random, so no key is needed."""
    return hashlib.sha256(token.encode()).hexdigest()
