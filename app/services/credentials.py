"""Password hashing with argon2id."""
from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@lru_cache(maxsize=4)
def _hasher(fast: bool) -> PasswordHasher:
    # Tests use cheap parameters; production uses the library's RFC 9106 defaults (argon2id, 64 MiB).
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1) if fast else PasswordHasher()


def _current() -> PasswordHasher:
    return _hasher(bool(current_app.config.get("FAST_PASSWORD_HASH")))


def hash_password(password: str) -> str:
    return _current().hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    try:
        return _current().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Compared against when the CNIC is unknown, so that a wrong CNIC costs as much time as a wrong password.
def dummy_check(password: str) -> None:
    check_password(_dummy_hash(bool(current_app.config.get("FAST_PASSWORD_HASH"))), password)


@lru_cache(maxsize=2)
def _dummy_hash(fast: bool) -> str:
    return _hasher(fast).hash("not-a-real-password")
