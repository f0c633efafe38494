"""How long to wait before trying again: doubling pauses, with a ceiling."""
from __future__ import annotations


def retry_delay(attempt: int, base_seconds: int, cap_seconds: int = 3600) -> int:
    """Seconds to wait after failed attempt number `attempt` (1 for the first): base, 2×base, 4×base, …"""
    if attempt < 1:
        raise ValueError("attempts are counted from 1")
    return min(cap_seconds, base_seconds * 2 ** (attempt - 1))
