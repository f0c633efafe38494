"""Keyset pagination: a page is the rows just after (or just before) a position in the list's order, found
as one index range, never by counting past rows with OFFSET. The position travels in links as a short
cursor that is checked strictly on the way back in: a forged or cut cursor is refused (BadCursor), and a
well-formed one can only move within the rows the query already allows."""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Select, bindparam, tuple_
from sqlalchemy.orm import Session

MAX_CURSOR_LENGTH = 400
MAX_TEXT_VALUE = 64
AFTER, BEFORE = "a", "b"


class BadCursor(ValueError):
    """A page cursor this portal did not make: edited, cut short, or from another list."""


@dataclass(frozen=True)
class Keyset:
    """A list's order: columns that together are unique (end with the id), all ascending or all descending,
    with the Python type of each (int, str, bool or datetime)."""

    columns: tuple
    kinds: tuple[type, ...]
    descending: bool = False

    def key_of(self, row) -> tuple:
        return tuple(getattr(row, column.key) for column in self.columns)


@dataclass
class Page:
    rows: list
    next_cursor: str | None = None
    previous_cursor: str | None = None


def _plain(value: Any, kind: type):
    if kind is datetime:
        return value.isoformat()
    return value


def encode_cursor(direction: str, values: tuple, keyset: Keyset) -> str:
    payload = json.dumps([direction, *(_plain(v, k) for v, k in zip(values, keyset.kinds))], separators=(",", ":"),
                         ensure_ascii=True)
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _checked(value: Any, kind: type):
    if kind is bool and isinstance(value, bool):
        return value
    # The lists' int keys are ids, PostgreSQL `integer`: a larger number would fail in the database (a 500).
    if kind is int and isinstance(value, int) and not isinstance(value, bool) and -2**31 <= value < 2**31:
        return value
    if kind is str and isinstance(value, str) and len(value) <= MAX_TEXT_VALUE:
        return value
    if kind is datetime and isinstance(value, str) and len(value) <= MAX_TEXT_VALUE:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise BadCursor("not a time") from None
        if moment.tzinfo is None:
            raise BadCursor("a time without its zone")
        try:
            return moment.astimezone(timezone.utc)  # stored in UTC: a time past the calendar's ends is refused
        except OverflowError:
            raise BadCursor("a time out of range") from None
    raise BadCursor(f"not a {kind.__name__}")


def decode_cursor(text: str, keyset: Keyset) -> tuple[str, tuple]:
    """(direction, key values) from a cursor; BadCursor for anything this portal would not have made."""
    if not text or len(text) > MAX_CURSOR_LENGTH:
        raise BadCursor("length")
    try:
        payload = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor("not a cursor") from None
    if not isinstance(payload, list) or len(payload) != 1 + len(keyset.kinds) or payload[0] not in (AFTER, BEFORE):
        raise BadCursor("shape")
    return payload[0], tuple(_checked(v, k) for v, k in zip(payload[1:], keyset.kinds))


def paginate(session: Session, query: Select, keyset: Keyset, cursor: str | None, *, limit: int) -> Page:
    """One page of `query` (which selects one entity) in the keyset's order, after or before `cursor`
    (the first page when None). Links: `next_cursor`, `previous_cursor` (None on the first page)."""
    direction, values = decode_cursor(cursor, keyset) if cursor else (None, ())
    columns = keyset.columns
    key = tuple_(*columns) if len(columns) > 1 else columns[0]
    forward = [c.desc() if keyset.descending else c.asc() for c in columns]
    backward = [c.asc() if keyset.descending else c.desc() for c in columns]

    def bound():
        params = [bindparam(None, v, type_=c.type) for v, c in zip(values, columns)]
        return tuple_(*params) if len(params) > 1 else params[0]

    if direction == BEFORE:
        earlier = key > bound() if keyset.descending else key < bound()
        rows = list(session.scalars(query.where(earlier).order_by(*backward).limit(limit + 1)))
        if len(rows) > limit:
            rows = rows[:limit][::-1]
            return Page(rows, encode_cursor(AFTER, keyset.key_of(rows[-1]), keyset),
                        encode_cursor(BEFORE, keyset.key_of(rows[0]), keyset))
        direction = None  # back at the start: the first page, whole
    if direction == AFTER:
        later = key < bound() if keyset.descending else key > bound()
        query = query.where(later)
    rows = list(session.scalars(query.order_by(*forward).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(AFTER, keyset.key_of(rows[-1]), keyset) if more else None
    previous_cursor = None
    if direction == AFTER:
        previous_cursor = encode_cursor(BEFORE, keyset.key_of(rows[0]) if rows else values, keyset)
    return Page(rows, next_cursor, previous_cursor)
