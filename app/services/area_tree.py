"""The areas of Punjab as a tree held in memory, once per process and database: every access check and
every household's district read it, and areas change only when reference data is reloaded."""
from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..models import Area


class AreaTree:
    """Parents, levels and children of every area; descendants worked out once per area and kept."""

    def __init__(self, rows: Iterable[tuple[int, int | None, str]]):
        self.parent: dict[int, int | None] = {}
        self.level: dict[int, str] = {}
        self.children: dict[int, list[int]] = {}
        for area_id, parent_id, level in rows:
            self.parent[area_id], self.level[area_id] = parent_id, level
            if parent_id is not None:
                self.children.setdefault(parent_id, []).append(area_id)
        self._descendants: dict[int, tuple[int, ...]] = {}

    def __contains__(self, area_id: int) -> bool:
        return area_id in self.level

    def descendants(self, area_id: int) -> tuple[int, ...]:
        """The area itself and every area below it, the area first."""
        found = self._descendants.get(area_id)
        if found is None:
            found, frontier = [area_id], [area_id]
            while frontier:
                frontier = [child for parent in frontier for child in self.children.get(parent, ())]
                found.extend(frontier)
            found = self._descendants[area_id] = tuple(found)
        return found

    def district_of(self, area_id: int | None) -> int | None:
        """The district an area lies in (itself for a district); None above district level or unknown."""
        while area_id is not None and self.level.get(area_id) == "tehsil":
            area_id = self.parent.get(area_id)
        return area_id if area_id is not None and self.level.get(area_id) == "district" else None


_trees: dict[str, AreaTree] = {}
_lock = threading.Lock()


def _database_key(source: Session | Connection) -> str:
    # One tree per database: a process may talk to two (a benchmark, a read replica with the same areas).
    engine = source.engine if isinstance(source, Connection) else source.get_bind()
    return engine.url.render_as_string(hide_password=True)


def area_tree(source: Session | Connection, *, must_have: int | None = None) -> AreaTree:
    """The cached tree; read from the database the first time, and again when an area it does not know
    is asked for (added by another process since). `source` is a session, or the connection of a flush."""
    key = _database_key(source)
    tree = _trees.get(key)
    if tree is None or (must_have is not None and must_have not in tree):
        tree = AreaTree(source.execute(select(Area.id, Area.parent_id, Area.level)).tuples())
        with _lock:
            _trees[key] = tree
    return tree


def forget_area_tree() -> None:
    """Drop every cached tree: areas were reloaded."""
    with _lock:
        _trees.clear()
