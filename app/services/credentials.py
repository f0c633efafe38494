"""Password hashing with argon2id."""
from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@lru_cache(maxsize=4)
def _hasher(fast: bool) -> PasswordHasher:
    # Tests use cheap parameters (FAST_PASSWORD_HASH); production uses the library's RFC 9106 defaults
    # (argon2id, 64 MiB).
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1) if fast else PasswordHasher()


def hash_password(password: str, *, fast: bool = False) -> str:
    return _hasher(fast).hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    # A stored hash carries its own parameters: either hasher verifies it.
    try:
        return _hasher(False).verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Compared against when the CNIC is unknown, so that a wrong CNIC costs as much time as a wrong password.
def dummy_check(password: str, *, fast: bool = False) -> None:
    check_password(_dummy_hash(fast), password)


@lru_cache(maxsize=2)
def _dummy_hash(fast: bool) -> str:
    return _hasher(fast).hash("not-a-real-password")
