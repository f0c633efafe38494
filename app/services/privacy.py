"""Keyed hashes for identifiers that logs and counters must not hold in plain."""
from __future__ import annotations

import hashlib
import hmac


def audit_key(secret_key: str) -> bytes:
    """The key of keyed_hash, derived from the app's secret (a plain value in, so any caller can make it)."""
    # A key of its own would let the secret rotate without orphaning audit trails; derived for now.
    return hashlib.sha256(b"pser-audit:" + secret_key.encode()).digest()


def keyed_hash(key: bytes, value: str | None) -> str | None:
    if not value:
        return None
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """Session and OTP secrets are kept as plain SHA-256: they are random, so no key is needed."""
    return hashlib.sha256(token.encode()).hexdigest()
