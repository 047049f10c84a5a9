"""Runtime N+1 detection: relations and deferred fields loaded one instance at a time.

Every lazy load in Django is a queryset whose ``_hints["instance"]`` is the instance it loads
for: the forward FK/one-to-one and reverse one-to-one descriptors build it in
``get_queryset(instance=...)``, the reverse FK and many-to-many managers in their
``get_queryset()``. Those are hooked to note the queryset's hints dict (shared by every clone)
with the relation it loads; ``QuerySet._fetch_all`` then counts a lazy load when such a
queryset actually runs a query in this thread, so cached, ``select_related``'ed and
prefetched relations never count. Deferred fields are counted in ``DeferredAttribute.__get__``.

Only instances that came from a multi-row queryset (or from its ``select_related``, prefetched
or lazily loaded objects) count: a load on a single fetched object is not N+1. Rows are
tagged with where they came from lazily: a fetch only queues its row list, and the queue is
tagged the first time a lazy load actually runs a query, so N+1-free code pays no cost per
row. Queries inside ``prefetch_one_level`` are the prefetch itself and never count.

The wrappers set ``__tracebackhide__``: pytest's tracebacks of the user's errors show
the user's frames and Django's, not errguard's.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any, NamedTuple

from errguard.queries.callsite import NO_CALL, FrameKey
from errguard.queries.django_api import DeferredAttribute, Model, query_module, related_descriptors
from errguard.queries.findings import LAZY_LOAD_MINIMUM, LazyLoad, NPlusOne, RelationKind
from errguard.queries.log import CALL, SITE, QueryLog
from errguard.queries.patching import PatchStack
from errguard.queries.tagging import Origin, Tagger
from errguard.queries.writes import watch_writes

LOOKUP_SEP = "__"


class _Relation(NamedTuple):
    """A relation (or deferred field) of a tagged instance, loaded with a query."""

    model: str
    name: str
    kind: RelationKind
    origin: Origin
    prefetched: bool


class _Expected(NamedTuple):
    """A relation queryset built for ``owner``: a lazy load if it runs a query."""

    hints: dict[str, Any]
    owner: Any
    descriptor: object
    kind: RelationKind
    prefetched: bool


class _Loads(NamedTuple):
    """The lazy loads of one relation at one call site: each load's query, by call."""

    relation: _Relation
    per_call: dict[int, list[int]]


class _ThreadState(threading.local):
    prefetching = 0
    """Depth of prefetch_one_level calls in this thread: their queries are the prefetch."""
    roots: tuple[Origin | None, ...] = ()
    """Origins of the querysets whose prefetches are running in this thread, innermost last."""


class Detector:
    """Counts lazy loads on instances from multi-row querysets while ``counting`` is on.

    Installed once per session (patching Django's classes per test would make CPython drop
    its specialised attribute lookups on every model and queryset each time); ``active`` says
    whether the running test asks for detection, and ``reset`` starts each test afresh.
    """

    def __init__(self, log: QueryLog, patches: PatchStack) -> None:
        self.log = log
        self.tags = Tagger()
        self.active = False
        self.counting = False
        self._patches = patches
        self._loads: dict[tuple[str, str, FrameKey | None], _Loads] = {}
        self._expected: dict[int, _Expected] = {}
        self._names: dict[tuple[type, int], str] = {}
        self._watched_managers: set[type] = set()
        self._local = _ThreadState()
        self._lock = threading.RLock()

    def install(self) -> None:
        queryset = query_module.QuerySet
        descriptors = related_descriptors
        patch = self._patches.setattr
        patch(queryset, "_fetch_all", self._wrap_fetch_all(queryset._fetch_all))
        patch(queryset, "_iterator", self._wrap_iterator(queryset._iterator))
        patch(
            queryset,
            "_prefetch_related_objects",
            self._wrap_prefetch_related_objects(queryset._prefetch_related_objects),
        )
        patch(
            query_module,
            "prefetch_one_level",
            self._wrap_prefetch_one_level(query_module.prefetch_one_level),
        )
        for single in (
            descriptors.ForwardManyToOneDescriptor,
            descriptors.ReverseOneToOneDescriptor,
        ):
            patch(single, "get_queryset", self._wrap_single_get_queryset(single.get_queryset))
        many = descriptors.ReverseManyToOneDescriptor  # ManyToManyDescriptor inherits __get__
        patch(many, "__get__", self._wrap_manager_get(many.__get__))
        patch(DeferredAttribute, "__get__", self._wrap_deferred_get(DeferredAttribute.__get__))
        watch_writes(self.log, self._patches)

    def reset(self) -> None:
        """Forget the previous test's rows and loads (in place: the wrappers hold them)."""
        self.tags = Tagger()
        self.counting = False
        self._loads.clear()
        self._expected.clear()

    def findings(self) -> list[NPlusOne]:
        resolve = self.log.finder.resolve
        found = []
        for (model, name, site), (relation, per_call) in self._loads.items():
            # An N+1 repeats inside one call into project code: loads spread over separate
            # calls the test makes (one per request, say) are not one; nor loads made by the
            # receivers of save and delete signals (``writes``).
            during_writes = self.log.during_writes
            count = max(
                (
                    sum(query not in during_writes for query in queries)
                    for queries in per_call.values()
                ),
                default=0,
            )
            if count < LAZY_LOAD_MINIMUM:
                continue
            origin = relation.origin
            load = LazyLoad(
                model=model,
                name=name,
                kind=relation.kind,
                path=origin.lookup(name),
                through_many=origin.through_many,
                prefetched=relation.prefetched,
                origin_site=resolve(origin.site),
            )
            found.append(load.finding(resolve(site), count))
        return sorted(found, key=lambda finding: -finding.count)

    # -- tagging -----------------------------------------------------------------------

    def _queue_fetched(self, queryset: Any, relation: _Relation | None) -> Origin | None:
        """Queue the rows ``queryset`` fetched for tagging; returns the origin they get."""
        origin = self._rows_origin(queryset, relation)
        if origin is not None:
            joined = bool(queryset.query.select_related)
            self.tags.queue(queryset._result_cache, origin, joined=joined)
        return origin

    def _rows_origin(self, queryset: Any, relation: _Relation | None) -> Origin | None:
        """The origin to give the rows ``queryset`` fetched, or None to leave them untagged."""
        results = queryset._result_cache
        if not results or not isinstance(results[0], Model):
            return None
        if relation is not None:
            return relation.origin.extend(relation.name, many=relation.kind == "many")
        if len(results) > 1:
            return Origin(self.log.finder.find(sys._getframe()), "", False)
        return None

    def _tag_stream(self, queryset: Any, rows: Iterator[Any]) -> Iterator[Any]:
        """``QuerySet.iterator()`` rows, tagged as they stream.

        The row count is unknown until the end, so the first row is tagged too; a lone row
        can only be loaded from once per line, below the count that makes an N+1.
        """
        joined = bool(queryset.query.select_related)
        origin = None
        try:
            for obj in rows:
                if origin is None and isinstance(obj, Model):
                    origin = Origin(self.log.finder.find(sys._getframe()), "", False)
                if origin is not None:
                    self.tags.tag((obj,), origin, joined=joined)
                yield obj
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()

    # -- counting ----------------------------------------------------------------------

    def _attribute_name(self, owner: type, descriptor: object) -> str:
        key = (owner, id(descriptor))
        name = self._names.get(key)
        if name is None:
            name = next(
                (
                    attribute
                    for klass in owner.__mro__
                    for attribute, value in vars(klass).items()
                    if value is descriptor
                ),
                "?",
            )
            self._names[key] = name
        return name

    def _relation(self, expected: _Expected) -> _Relation | None:
        """The relation ``expected`` loads, if its owner came from a multi-row queryset."""
        origin = self.tags.origin_of(expected.owner)
        if origin is None:
            return None
        owner = type(expected.owner)
        name = self._attribute_name(owner, expected.descriptor)
        return _Relation(owner.__name__, name, expected.kind, origin, expected.prefetched)

    def _lazy_load(self, expected: _Expected, mark: int) -> _Relation | None:
        """If this thread ran a query since ``mark`` for a tagged owner, count the load."""
        if self.log.first_since(mark) is None:
            return None
        relation = self._relation(expected)
        if relation is not None:
            self._count(relation, mark)
        return relation

    def _count(self, relation: _Relation, mark: int) -> None:
        self.log.explain_since(mark)
        if not self.counting:
            return
        first = self.log.first_since(mark)
        if first is None:
            return
        # The query's call site is the project frame the load was made from: no second walk.
        record = self.log.records[first]
        call = record[CALL]
        if call == NO_CALL:
            return  # test code loading a relation itself: not the project's N+1
        key = (relation.model, relation.name, record[SITE])
        with self._lock:
            loads = self._loads.get(key)
            if loads is None:
                loads = self._loads[key] = _Loads(relation, {})
            loads.per_call.setdefault(call, []).append(first)

    def _expect(
        self, queryset: Any, owner: Any, descriptor: object, kind: RelationKind, prefetched: bool
    ) -> None:
        if not self._local.prefetching:
            hints = queryset._hints
            self._expected[id(hints)] = _Expected(hints, owner, descriptor, kind, prefetched)

    # -- wrappers ----------------------------------------------------------------------

    def _wrap_fetch_all(self, original: Any) -> Any:
        detector = self
        records = self.log.records
        local = self._local
        expected = self._expected

        def _fetch_all(queryset: Any) -> None:
            __tracebackhide__ = True
            # Runs for every queryset evaluation: the common case costs a few attribute
            # reads, a dictionary lookup and, for several rows, appending them to a queue.
            if queryset._result_cache is not None or local.prefetching or not detector.active:
                original(queryset)
                return
            entry = expected.get(id(queryset._hints)) if expected else None
            if entry is not None and entry.kind == "single":
                del expected[id(queryset._hints)]  # a descriptor evaluates its queryset once
            mark = len(records)
            original(queryset)
            relation = None if entry is None else detector._lazy_load(entry, mark)
            if queryset._prefetch_related_lookups:
                return  # its rows were queued before the prefetch ran
            detector._queue_fetched(queryset, relation)

        return _fetch_all

    def _wrap_iterator(self, original: Any) -> Any:
        detector = self
        local = self._local

        def _iterator(queryset: Any, use_chunked_fetch: bool, chunk_size: int | None) -> Any:
            __tracebackhide__ = True
            rows = original(queryset, use_chunked_fetch, chunk_size)
            if local.prefetching or not detector.active:
                return rows
            return detector._tag_stream(queryset, rows)

        return _iterator

    def _wrap_prefetch_related_objects(self, original: Any) -> Any:
        detector = self
        local = self._local
        expected = self._expected

        def _prefetch_related_objects(queryset: Any) -> None:
            __tracebackhide__ = True
            # Runs inside _fetch_all, before it returns: queue the rows first and hand their
            # origin to prefetch_one_level, so the prefetched objects extend its path.
            origin = None
            if not local.prefetching and detector.active:
                entry = expected.get(id(queryset._hints))
                relation = None if entry is None else detector._relation(entry)
                origin = detector._queue_fetched(queryset, relation)
            roots = local.roots
            local.roots = (*roots, origin)
            try:
                original(queryset)
            finally:
                local.roots = roots

        return _prefetch_related_objects

    def _wrap_prefetch_one_level(self, original: Any) -> Any:
        detector = self
        local = self._local

        def prefetch_one_level(instances: Any, prefetcher: Any, lookup: Any, level: int) -> Any:
            __tracebackhide__ = True
            if not detector.active:
                return original(instances, prefetcher, lookup, level)
            local.prefetching += 1
            try:
                result = original(instances, prefetcher, lookup, level)
            finally:
                local.prefetching -= 1
            if local.roots:
                origin = local.roots[-1]
            else:  # prefetch_related_objects() called directly, on rows from elsewhere
                origin = detector.tags.origin_of(instances[0]) if instances else None
                if origin is not None:
                    origin = origin.extend(
                        lookup.prefetch_through.split(LOOKUP_SEP)[level], many=True
                    )
                    detector.tags.queue(result[0], origin, joined=True)
                return result
            if origin is not None:
                for name in lookup.prefetch_through.split(LOOKUP_SEP)[: level + 1]:
                    origin = origin.extend(name, many=True)
                detector.tags.queue(result[0], origin, joined=True)
            return result

        return prefetch_one_level

    def _wrap_single_get_queryset(self, original: Any) -> Any:
        detector = self

        def get_queryset(descriptor: Any, **hints: Any) -> Any:
            __tracebackhide__ = True
            queryset = original(descriptor, **hints)
            owner = hints.get("instance")
            if owner is not None and detector.active:
                detector._expect(queryset, owner, descriptor, "single", prefetched=False)
            return queryset

        return get_queryset

    def _wrap_manager_get(self, original: Any) -> Any:
        detector = self
        watched = self._watched_managers

        def __get__(descriptor: Any, instance: Any, cls: Any = None) -> Any:
            __tracebackhide__ = True
            manager = original(descriptor, instance, cls)
            if instance is not None and detector.active and type(manager) not in watched:
                detector._watch_manager(type(manager), descriptor)
            return manager

        return __get__

    def _watch_manager(self, manager_class: Any, descriptor: object) -> None:
        """Hook ``get_queryset`` of a related manager class (built per relation by Django)."""
        with self._lock:
            if manager_class in self._watched_managers:
                return
            self._watched_managers.add(manager_class)
            original = manager_class.get_queryset
            detector = self

            def get_queryset(manager: Any) -> Any:
                __tracebackhide__ = True
                queryset = original(manager)
                if detector.active:
                    prefetched = queryset._result_cache is not None
                    detector._expect(queryset, manager.instance, descriptor, "many", prefetched)
                return queryset

            self._patches.setattr(manager_class, "get_queryset", get_queryset)

    def _wrap_deferred_get(self, original: Any) -> Any:
        detector = self
        records = self.log.records
        local = self._local

        def __get__(attribute: Any, instance: Any, cls: Any = None) -> Any:
            __tracebackhide__ = True
            # Runs on every read of a deferred field and of every FK's "<name>_id": the
            # common path (the value is loaded) is one dictionary check.
            if instance is None or attribute.field.attname in instance.__dict__:
                return original(attribute, instance, cls)
            if local.prefetching or not detector.active:
                return original(attribute, instance, cls)
            mark = len(records)
            value = original(attribute, instance, cls)
            if detector.log.first_since(mark) is not None:
                origin = detector.tags.origin_of(instance)
                if origin is not None:
                    name = attribute.field.name
                    relation = _Relation(type(instance).__name__, name, "deferred", origin, False)
                    detector._count(relation, mark)
            return value

        return __get__
