"""Which model instances came from a multi-row queryset, and from where.

An attribute load on such an instance repeats once per row: that is what makes it an N+1.
Tags live beside the instances (keyed by ``id()``, checked with a weak reference), so model
instances are never modified, and they are dropped with the test.

Tagging is lazy: a fetch only queues its row list, and the queue is tagged the first time
someone asks where an instance came from, which happens only when a lazy load actually runs
a query. N+1-free code therefore pays nothing per row.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from errguard.queries.callsite import FrameKey
from errguard.queries.django_api import Model

MAX_QUEUED_ROWS = 20_000
"""Rows held (strongly) in the queue before they are tagged anyway, to bound memory."""


class Origin(NamedTuple):
    """Where tagged instances came from: the iterated queryset and the path from its rows.

    A named tuple: one is made per multi-row fetch and per lazy load, so it must be cheap.
    """

    site: FrameKey | None
    """The project line that evaluated the multi-row queryset."""
    path: str
    """The lookup from that queryset's rows to these instances (``""`` for the rows)."""
    through_many: bool
    """The path crosses a multi-valued relation (or a prefetch)."""

    def extend(self, name: str, *, many: bool) -> Origin:
        return Origin(self.site, self.lookup(name), self.through_many or many)

    def lookup(self, name: str) -> str:
        return f"{self.path}__{name}" if self.path else name


_EMPTY: dict[str, Any] = {}


def _joined(obj: Any) -> dict[str, Any]:
    """The related objects cached on ``obj``: by select_related, a prefetch or a load.

    Read from the ModelState's dict: its ``fields_cache`` attribute would create an empty
    cache on first access, for every row.
    """
    cache: dict[str, Any] = vars(obj._state).get("fields_cache", _EMPTY)
    return cache


class Tagger:
    """Origins of model instances, for the duration of one test."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref[Any], Origin]] = {}
        self._queue: list[tuple[Sequence[Any], Origin, bool]] = []
        self._queued_rows = 0
        self._lock = threading.RLock()

    def origin_of(self, obj: object) -> Origin | None:
        """Where ``obj`` came from, or None if not from a multi-row queryset."""
        if self._queue:
            self._tag_queued()
        entry = self._entries.get(id(obj))
        if entry is not None and entry[0]() is obj:
            return entry[1]
        return None

    def queue(self, rows: Sequence[Any], origin: Origin, *, joined: bool) -> None:
        """Tag ``rows`` (and, if ``joined``, the objects cached on them) when first needed."""
        with self._lock:
            self._queue.append((rows, origin, joined))
            self._queued_rows += len(rows)
            if self._queued_rows > MAX_QUEUED_ROWS:
                self._tag_queued()

    def tag(self, rows: Iterable[Any], origin: Origin, *, joined: bool) -> None:
        """Tag ``rows`` now; a row tagged before keeps its first origin."""
        added = self._add_all(rows, origin)
        if joined:
            nested: dict[tuple[str, str], Origin] = {}  # one Origin per joined relation
            for obj in added:
                self._tag_joined(obj, origin, nested)

    def _tag_queued(self) -> None:
        with self._lock:
            queue, self._queue, self._queued_rows = self._queue, [], 0
            for rows, origin, joined in queue:  # in fetch order
                self.tag(rows, origin, joined=joined)

    def _add_all(self, objects: Iterable[Any], origin: Origin) -> list[Any]:
        entries = self._entries
        ref = weakref.ref
        added = []
        for obj in objects:
            key = id(obj)
            entry = entries.get(key)
            if entry is None or entry[0]() is not obj:
                entries[key] = (ref(obj), origin)
                added.append(obj)
        return added

    def _tag_joined(self, obj: Any, origin: Origin, nested: dict[tuple[str, str], Origin]) -> None:
        """Tag the objects ``select_related`` (or a prefetch or a load) attached to ``obj``."""
        for name, related in _joined(obj).items():
            if isinstance(related, Model):
                key = (origin.path, name)
                child = nested.get(key)
                if child is None:
                    child = nested[key] = origin.extend(name, many=False)
                if self._add_all((related,), child) and _joined(related):
                    self._tag_joined(related, child, nested)
