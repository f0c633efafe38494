"""The SMS channel's counters (services.sms_inbound.SmsGate) in the web's rate-limit storage: Redis when
REDIS_URL is set, Flask-Limiter's in-memory fallback while Redis is down (then each process allows its share,
as app.rate_limits does for the web). Numbers and CNICs are keyed by a keyed hash, never stored plain."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from limits import RateLimitItem, RateLimitItemPerDay, parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter, RateLimiter

from ..extensions import limiter
from ..rate_limits import counted_in_memory, process_share
from ..services.privacy import keyed_hash

log = logging.getLogger("pser.sms")

ONCE_A_DAY = RateLimitItemPerDay(1)
# Used only if the storage fails in the middle of a message (Flask-Limiter's own fallback takes over at the
# next request's check): the counting goes on in this process, at its share.
_FALLBACK = FixedWindowRateLimiter(MemoryStorage())


class LimiterGate:
    def __init__(self, config: Mapping[str, Any], hash_key: bytes):
        self._config, self._key = config, hash_key
        self._prefix = config.get("RATELIMIT_KEY_PREFIX") or "pser"  # as Flask-Limiter's own keys

    def _id(self, value: str) -> str:
        return keyed_hash(self._key, value)[:24]

    def _items(self, setting: str, *, in_memory: bool) -> list[RateLimitItem]:
        value = self._config[setting]
        if in_memory:
            value = process_share(value, self._config["RATELIMIT_PROCESSES"])
        return parse_many(value)

    def _count(self, setting: str | None, *identifiers: str, clear: bool = False) -> bool:
        """True when allowed and counted under every item of the limit `setting` (None: once a day);
        `clear` forgets that count instead."""
        for strategy, in_memory in ((limiter.limiter, counted_in_memory()), (_FALLBACK, True)):
            items = [ONCE_A_DAY] if setting is None else self._items(setting, in_memory=in_memory)
            try:
                if clear:
                    for item in items:
                        strategy.clear(item, self._prefix, "sms", *identifiers)
                    return True
                return all([strategy.hit(item, self._prefix, "sms", *identifiers) for item in items])
            except Exception:  # noqa: BLE001 - Redis went away mid-request: count in this process instead
                log.warning("SMS limit storage unreachable; counting in memory")
        return False

    def flooding(self, mobile: str) -> bool:
        return not self._count("SMS_FLOOD_LIMIT", "flood", self._id(mobile))

    def may_reply(self, mobile: str) -> bool:
        return self._count("SMS_REPLY_LIMIT", "replies", self._id(mobile))

    def first_today(self, notice: str, mobile: str) -> bool:
        return self._count(None, "notice", notice, self._id(mobile))

    def lookup_refused(self, mobile: str, cnic: str) -> bool:
        number, person = self._id(mobile), self._id(cnic)
        # One round trip for the usual case: the first ask today about this CNIC from this number passes the
        # once-a-day mark and counts against the number's different CNICs; a refused one is unmarked again.
        if self._count(None, "asked", number, person) and not self._count("SMS_NUMBER_CNICS_LIMIT", "cnics", number):
            self._count(None, "asked", number, person, clear=True)
            return True
        return not self._count("SMS_CNIC_LIMIT", "cnic", person)

    def complaint_refused(self, mobile: str) -> bool:
        return not self._count("SMS_COMPLAINT_LIMIT", "complaints", self._id(mobile))


def sms_gate(config: Mapping[str, Any], hash_key: bytes) -> LimiterGate:
    return LimiterGate(config, hash_key)
