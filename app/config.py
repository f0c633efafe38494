"""Settings read from the environment, with safe defaults for a laptop and strict checks for production."""
from __future__ import annotations

import json
import math
import os
from collections import Counter
from pathlib import Path

from .domain.complaints import DEFAULT_DEADLINE_DAYS

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

# The development key: a production process refuses to start while it is in use.
DEV_SECRET_KEY = "dev-only-not-secret-change-me"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE / 'pser.sqlite3'}"


def from_environment() -> dict:
    """Every setting the portal reads, as a plain dict for app.config."""
    env = os.environ.get("PSER_ENV", os.environ.get("FLASK_ENV", "development"))
    redis_url = os.environ.get("REDIS_URL", "").strip()
    return {
        "PSER_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or default_database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {},  # pool_pre_ping is added for server databases in app.database
        # Optional read replica for dashboards, exports and statistics (app.database.read_session).
        "DATABASE_READ_URL": os.environ.get("DATABASE_READ_URL", "").strip(),
        # Seconds a process keeps the public statistics (/stats) before reading the summaries again.
        "STATS_CACHE_SECONDS": _int("STATS_CACHE_SECONDS", 300),
        "REDIS_URL": redis_url,
        "SMS_BACKEND": os.environ.get("SMS_BACKEND", "console"),
        "SMS_MAX_ATTEMPTS": _int("SMS_MAX_ATTEMPTS", 5),
        "SMS_RETRY_SECONDS": _int("SMS_RETRY_SECONDS", 30),  # then 60, 120, … (at most an hour)
        # Days a delivered message keeps its full number in the outbox; `clean-up` masks it afterwards.
        "SMS_RETENTION_DAYS": _int("SMS_RETENTION_DAYS", 30),
        # The HTTP gateway backend (SMS_BACKEND=http): where messages are POSTed, with which bearer token.
        "SMS_GATEWAY_URL": os.environ.get("SMS_GATEWAY_URL", "").strip(),
        "SMS_GATEWAY_TOKEN": os.environ.get("SMS_GATEWAY_TOKEN", "").strip(),
        "SMS_GATEWAY_TIMEOUT_SECONDS": float(os.environ.get("SMS_GATEWAY_TIMEOUT_SECONDS") or 10),
        # Status and complaints by SMS (POST /sms/inbound): off unless enabled; the gateway signs with the secret.
        "SMS_INBOUND_ENABLED": _bool("SMS_INBOUND_ENABLED", False),
        "SMS_INBOUND_SECRET": os.environ.get("SMS_INBOUND_SECRET", "").strip(),
        "SMS_INBOUND_LIMIT": os.environ.get("SMS_INBOUND_LIMIT", "600 per minute"),  # per address: the gateway's
        "SMS_FLOOD_LIMIT": os.environ.get("SMS_FLOOD_LIMIT", "5 per minute"),  # messages per number; then silence
        "SMS_REPLY_LIMIT": os.environ.get("SMS_REPLY_LIMIT", "20 per day"),  # replies per number
        "SMS_NUMBER_CNICS_LIMIT": os.environ.get("SMS_NUMBER_CNICS_LIMIT", "5 per day"),  # distinct CNICs per number
        "SMS_CNIC_LIMIT": os.environ.get("SMS_CNIC_LIMIT", "3 per hour"),  # lookups of one CNIC, from any number
        "SMS_COMPLAINT_LIMIT": os.environ.get("SMS_COMPLAINT_LIMIT", "3 per day"),  # complaints per number
        # Background jobs: RQ on REDIS_URL (`flask worker`); without it they run inline after the commit.
        "JOBS_QUEUE": os.environ.get("JOBS_QUEUE", "pser"),
        "JOB_RETRY_INTERVALS": os.environ.get("JOB_RETRY_INTERVALS", "10,60,300"),
        "JOB_HEARTBEAT_SECONDS": _int("JOB_HEARTBEAT_SECONDS", 30),
        "JOB_LOST_AFTER_SECONDS": _int("JOB_LOST_AFTER_SECONDS", 60),
        "JOB_MAINTENANCE_SECONDS": _int("JOB_MAINTENANCE_SECONDS", 60),
        # Operations (app.ops): logs as JSON lines or text; /metrics behind a bearer token (404 without one);
        # a request id from the proxy's X-Request-ID trusted only behind the proxy (or when set explicitly).
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json" if env == "production" else "text").strip().lower(),
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", "").strip(),
        "TRUST_REQUEST_ID": _bool("TRUST_REQUEST_ID", _int("PROXY_FIX_X_FOR", 0) > 0),
        # Backups (`flask backup`): encrypted with age for BACKUP_RECIPIENT (public keys, or a file of them);
        # only a restore needs the private key (BACKUP_IDENTITY_FILE), which need not live on this machine.
        "BACKUP_DIR": os.environ.get("BACKUP_DIR", "").strip() or str(INSTANCE / "backups"),
        "BACKUP_RECIPIENT": os.environ.get("BACKUP_RECIPIENT", "").strip(),
        "BACKUP_IDENTITY_FILE": os.environ.get("BACKUP_IDENTITY_FILE", "").strip(),
        "BACKUP_KEEP_DAILY": _int("BACKUP_KEEP_DAILY", 7),
        "BACKUP_KEEP_WEEKLY": _int("BACKUP_KEEP_WEEKLY", 8),
        "PG_BIN_DIR": os.environ.get("PG_BIN_DIR", "").strip(),  # default: the server's version under /usr/lib/postgresql
        "STATUS_LOOKUP_LIMIT": os.environ.get("STATUS_LOOKUP_LIMIT", "10 per minute"),
        "REGISTER_LIMIT": os.environ.get("REGISTER_LIMIT", "5 per minute;30 per hour"),
        "LOGIN_LIMIT": os.environ.get("LOGIN_LIMIT", "10 per minute;100 per hour"),
        "OTP_LIMIT": os.environ.get("OTP_LIMIT", "10 per minute"),
        "REGISTER_CHECK_LIMIT": os.environ.get("REGISTER_CHECK_LIMIT", "60 per minute"),
        # How many processes serve the portal (all instances together). Without Redis each counts limits in its
        # own memory, so each allows 1/N of a limit (app.rate_limits). gunicorn reads WEB_CONCURRENCY too.
        "RATELIMIT_PROCESSES": max(1, _int("RATELIMIT_PROCESSES", _int("WEB_CONCURRENCY", 1))),
        # Flask-Limiter: Redis when configured; otherwise (and whenever Redis is down) in memory.
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "pser"),
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5} if redis_url else {},
        # Request size: the largest form is a few kilobytes; anything near this is an attack or a mistake.
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 64 * 1024),
        "MAX_FORM_MEMORY_SIZE": _int("MAX_CONTENT_LENGTH", 64 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", env == "production"),
        "SESSION_COOKIE_NAME": "pser_session",
        "PERMANENT_SESSION_LIFETIME": _int("SESSION_LIFETIME_SECONDS", 8 * 3600),
        "WTF_CSRF_TIME_LIMIT": _int("CSRF_TIME_LIMIT_SECONDS", 8 * 3600),
        "WTF_CSRF_SSL_STRICT": _bool("CSRF_SSL_STRICT", True),
        "BABEL_DEFAULT_LOCALE": "ur",
        # Dates and times are shown in Pakistan's time; they are stored in UTC.
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("DISPLAY_TIMEZONE", "Asia/Karachi"),
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "LANGUAGES": ("ur", "en"),
        "LANG_COOKIE": "pser_lang",
        # Behind a reverse proxy (deploy/nginx): how many proxies in front may be trusted for each header.
        # BEHIND_PROXY says the portal is reached only through one; production checks the three agree.
        "BEHIND_PROXY": _bool("BEHIND_PROXY", False),
        "PROXY_FIX_X_FOR": _int("PROXY_FIX_X_FOR", 0),
        "PROXY_FIX_X_PROTO": _int("PROXY_FIX_X_PROTO", 1 if _bool("BEHIND_PROXY", False) else 0),
        "PROXY_FIX_X_HOST": _int("PROXY_FIX_X_HOST", 0),
        # How visitors reach the portal: https in production (TLS at the proxy or at gunicorn itself).
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "https" if env == "production" else "http"),
        "OTP_TTL_SECONDS": _int("OTP_TTL_SECONDS", 600),
        "OTP_MAX_TRIES": _int("OTP_MAX_TRIES", 5),
        "OTP_RESEND_COOLDOWN_SECONDS": _int("OTP_RESEND_COOLDOWN_SECONDS", 60),
        "OTP_MAX_SENDS": _int("OTP_MAX_SENDS", 5),
        "UNVERIFIED_ACCOUNT_TTL_SECONDS": _int("UNVERIFIED_ACCOUNT_TTL_SECONDS", 24 * 3600),
        # The number shown wherever the portal says "call the helpline" (and in every page's footer).
        "HELPLINE": os.environ.get("HELPLINE", "0800-02345").strip(),
        # Forgotten password: per address (Flask-Limiter), on top of each account's code limits in the database.
        "PASSWORD_RESET_LIMIT": os.environ.get("PASSWORD_RESET_LIMIT", "10 per minute;100 per hour"),
        "COMPLAINT_LIMIT": os.environ.get("COMPLAINT_LIMIT", "5 per hour"),
        "TRACK_LIMIT": os.environ.get("TRACK_LIMIT", "10 per minute"),
        "COMPLAINT_MAX_OPEN": _int("COMPLAINT_MAX_OPEN", 3),
        # Days to resolve, per category; COMPLAINT_DEADLINE_DAYS='{"privacy": 2}' overrides some of them.
        "COMPLAINT_DEADLINE_DAYS": {**DEFAULT_DEADLINE_DAYS, **json.loads(os.environ.get("COMPLAINT_DEADLINE_DAYS") or "{}")},
        # Password checks per CNIC and address in a window of LOGIN_LOCK_SECONDS; then that address waits.
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCK_SECONDS": _int("LOGIN_LOCK_SECONDS", 15 * 60),
        # Wrong passwords for one account from anywhere since its last sign-in; then the right password also
        # needs a code sent to the registered mobile (services.auth). Nobody is locked out.
        "LOGIN_STEP_UP_FAILURES": _int("LOGIN_STEP_UP_FAILURES", 10),
        "COMPRESS_MIMETYPES": ["text/html", "application/json", "text/plain"],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 1000,  # below a kilobyte, brotli costs more CPU than it saves bytes
        "COMPRESS_BR_LEVEL": 5,
    }


def check_production_settings(config: dict) -> None:
    """A production process must not run with the development secret or a guessable one, nor with an SMS
    backend that would print codes and numbers to a terminal (console) or that does not exist."""
    if config.get("PSER_ENV") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if weak := secret_key_weakness(key):
        raise RuntimeError(
            f"SECRET_KEY {weak}: in production it must be a random value of at least 32 characters "
            "(for example: python3 -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if problem := proxy_settings_problem(config):
        raise RuntimeError(problem)
    from .services.sms_delivery import BACKENDS, CONFIGURED_BACKENDS, PRODUCTION_BACKENDS, known_backend

    backend = config.get("SMS_BACKEND") or ""
    if not known_backend(backend):
        raise RuntimeError(
            f"SMS_BACKEND={backend!r} is not a known SMS backend "
            f"(known: {', '.join(sorted([*BACKENDS, *CONFIGURED_BACKENDS]))}); "
            f"in production set SMS_BACKEND to one of: {', '.join(sorted(PRODUCTION_BACKENDS))}."
        )
    if backend not in PRODUCTION_BACKENDS:
        raise RuntimeError(
            f"SMS_BACKEND={backend!r} is for development only: it sends no SMS and would print codes to the "
            f"terminal. In production set SMS_BACKEND to one of: {', '.join(sorted(PRODUCTION_BACKENDS))}."
        )
    if backend == "http" and not (config.get("SMS_GATEWAY_URL") and config.get("SMS_GATEWAY_TOKEN")):
        raise RuntimeError("SMS_BACKEND=http needs SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN (README, SMS outbox).")
    if config.get("SMS_INBOUND_ENABLED") and len(config.get("SMS_INBOUND_SECRET") or "") < 32:
        raise RuntimeError(
            "SMS_INBOUND_ENABLED is set: SMS_INBOUND_SECRET must be a random value of at least 32 characters, "
            "shared with the SMS gateway, which signs each message with it (README, Status by SMS)."
        )


# Words of the placeholders people paste from examples and tutorials.
_PLACEHOLDER_WORDS = ("change", "secret", "example", "password", "replace", "dev-only", "default")


def secret_key_weakness(key: str) -> str | None:
    """Why `key` is not good enough for production, or None. The entropy is estimated from the key's own
    character frequencies (Shannon): 32 random URL-safe characters give about 150 bits, a repeated pattern
    or a sentence far less; below 96 bits the key is refused."""
    if not key:
        return "is missing"
    if key == DEV_SECRET_KEY:
        return "is the development key"
    if len(key) < 32:
        return f"is too short ({len(key)} characters)"
    lowered = key.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return "looks like a placeholder (it contains a word such as 'secret' or 'change')"
    counts = Counter(key)
    per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    if per_char * len(key) < 96:
        return f"is not random enough (about {per_char * len(key):.0f} bits of entropy; 96 needed)"
    return None


def proxy_settings_problem(config: dict) -> str | None:
    """Why the proxy settings do not match how the portal is reached, or None (see deploy/README.md).

    BEHIND_PROXY=1 (nginx in front, gunicorn on a private address): the proxy's X-Forwarded-For and
    X-Forwarded-Proto must be trusted (PROXY_FIX_X_FOR and PROXY_FIX_X_PROTO at least 1), or every client
    shares the proxy's address in the rate limits and HSTS is never sent. Without a proxy, trusting either
    header lets any client forge its address or scheme. And production is served over https."""
    behind = bool(config.get("BEHIND_PROXY"))
    x_for, x_proto = int(config.get("PROXY_FIX_X_FOR") or 0), int(config.get("PROXY_FIX_X_PROTO") or 0)
    if config.get("PREFERRED_URL_SCHEME") != "https":
        return ("PREFERRED_URL_SCHEME must be https in production: sessions ride in Secure cookies, which "
                "browsers send only over TLS (put nginx with a certificate in front: deploy/README.md).")
    if not config.get("SESSION_COOKIE_SECURE"):
        return "SESSION_COOKIE_SECURE must not be turned off in production: the session cookie would travel in clear."
    if behind and (x_for < 1 or x_proto < 1):
        return (f"BEHIND_PROXY=1 but PROXY_FIX_X_FOR={x_for} and PROXY_FIX_X_PROTO={x_proto}: set both to the "
                "number of proxies in front (usually 1), or every client would share the proxy's address in the "
                "rate limits and the portal would never know a request came over TLS.")
    if not behind and (x_for or x_proto or config.get("PROXY_FIX_X_HOST")):
        return (f"PROXY_FIX_X_FOR={x_for}/PROXY_FIX_X_PROTO={x_proto} trust headers that only a proxy may set, "
                "but BEHIND_PROXY is not set: set BEHIND_PROXY=1 if a proxy stands in front (and gunicorn listens "
                "on a private address), or set the PROXY_FIX_* settings to 0.")
    return None
