"""Unused eager loads: a ``select_related``/``prefetch_related`` whose objects no row reads.

When a queryset with eager lookups is evaluated (``__iter__``, ``__len__``, ``__bool__``) into
two rows or more while a test body runs, each row's cache of the loaded objects (the
``_state.fields_cache`` that ``select_related`` and single-valued prefetches fill, the
``_prefetched_objects_cache`` of many-valued prefetches) is swapped for a dict that notes the
first read of each lookup's entry; the objects loaded through a lookup get the same for the
nested lookups. A lookup no row read is reported at the project frame that evaluated the
queryset, unless a lookup above it was not read either (that one is reported instead).

Precision over recall: no report for a queryset of fewer than two rows (``.get()``,
``.first()``, an empty result), for ``select_related()`` without names or a ``Prefetch`` with
``to_attr`` (their reads cannot be told apart), for querysets evaluated under
``django.contrib.admin``, nor when the same call site evaluated another queryset whose rows
read the lookup.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from errguard.queries.callsite import CallSite, CallSiteFinder, FrameKey
from errguard.queries.django_api import FieldDoesNotExist, Model, query_module
from errguard.queries.patching import PatchStack

LOOKUP_SEP = "__"
_ADMIN = "django/contrib/admin/"
Tree = dict[str, "Tree"]


@dataclass
class _Lookup:
    """One eager lookup of one evaluated queryset: ``author__profile``, read by some row or not."""

    path: str
    method: str
    read: bool = False


class _WatchedCache(dict[str, Any]):
    """A row's cache of eagerly loaded objects that notes the first read of each lookup."""

    __slots__ = ("lookups",)

    lookups: dict[str, _Lookup]

    def __getitem__(self, key: str) -> Any:
        lookup = self.lookups.pop(key, None)
        if lookup is not None:
            lookup.read = True
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def copy(self) -> _WatchedCache:
        return self._copy(dict(self))

    def __deepcopy__(self, memo: dict[int, Any]) -> _WatchedCache:
        return self._copy({key: copy.deepcopy(value, memo) for key, value in self.items()})

    def _copy(self, items: dict[str, Any]) -> _WatchedCache:
        # A copy of a row (Model.__getstate__ copies this cache) shares the lookups: a read of
        # the copy is a read of the row, so a copied row can never make a false report.
        copied = _WatchedCache(items)
        copied.lookups = self.lookups
        return copied

    def __reduce__(self) -> tuple[type, tuple[dict[str, Any]]]:
        # Pickled rows (a cache backend) are plain dicts: reads in another process are unseen.
        return dict, (dict(self),)


@dataclass(frozen=True)
class UnusedEagerLoad:
    """A lookup no row of the querysets evaluated at ``site`` read during the test body."""

    method: str
    path: str
    site: CallSite | None

    def describe(self) -> str:
        where = f" at {self.site}" if self.site is not None else ""
        return (
            f"{self.method}({self.path!r}){where}: loaded for every row, read for none; "
            f"drop it, or read what it loads"
        )


@dataclass
class _Evaluation:
    site: FrameKey | None
    lookups: dict[str, _Lookup] = field(default_factory=dict)


def _tree(paths: Iterable[str]) -> Tree:
    tree: Tree = {}
    for path in paths:
        node = tree
        for name in path.split(LOOKUP_SEP):
            node = node.setdefault(name, {})
    return tree


def _prefetch_paths(lookups: Iterable[Any]) -> Iterator[str]:
    for lookup in lookups:
        if isinstance(lookup, str):
            yield lookup
        elif getattr(lookup, "to_attr", None) is None:
            yield lookup.prefetch_to  # a Prefetch without to_attr caches like a string


def _cache_keys(obj: Any, name: str) -> Iterator[str]:
    """The keys ``name``'s objects may be cached under on ``obj``: the lookup, the field's."""
    yield name
    try:
        relation = obj._meta.get_field(name)
    except FieldDoesNotExist:  # a reverse accessor (``book_set``): the descriptor tells
        relation = None
    if relation is not None:
        cache_name = getattr(relation, "cache_name", None)  # Django 5.1+; before, a method
        yield cache_name if cache_name is not None else relation.get_cache_name()
    descriptor = getattr(type(obj), name, None)
    rel = getattr(descriptor, "rel", None)
    if rel is not None and getattr(descriptor, "reverse", False):
        yield rel.field.related_query_name()  # a reverse many-to-many's prefetch cache


def _cached(obj: Any, name: str) -> tuple[_WatchedCache, str] | None:
    """The cache holding ``name``'s objects on ``obj`` (made a watched one) and their key."""
    for owner, attribute in ((obj._state, "fields_cache"), (obj, "_prefetched_objects_cache")):
        cache: dict[str, Any] = getattr(owner, attribute, None) or {}
        key = next((key for key in _cache_keys(obj, name) if key in cache), None)
        if key is None:
            continue
        if not isinstance(cache, _WatchedCache):
            cache = _WatchedCache(cache)
            cache.lookups = {}
            setattr(owner, attribute, cache)
        return cache, key
    return None


def _loaded(value: Any) -> list[Any]:
    """The model instances a cache entry holds: one object, or a prefetched queryset's rows."""
    if isinstance(value, Model):
        return [value]
    rows = getattr(value, "_result_cache", None)
    return [row for row in rows or () if isinstance(row, Model)]


class EagerWatch:
    """Watches the eager lookups of querysets evaluated while ``active`` (the test body)."""

    def __init__(self, finder: CallSiteFinder) -> None:
        self.finder = finder
        self.active = False
        self._patches = PatchStack()
        self._evaluations: list[_Evaluation] = []

    def install(self) -> None:
        queryset = query_module.QuerySet
        for name in ("__iter__", "__len__", "__bool__"):
            self._patches.setattr(queryset, name, self._wrap(getattr(queryset, name)))

    def uninstall(self) -> None:
        self._patches.undo()

    def reset(self) -> None:
        self._evaluations.clear()

    def unused(self) -> list[UnusedEagerLoad]:
        """The lookups no evaluation at their call site read, outermost unread one per branch."""
        read: dict[tuple[FrameKey | None, str], bool] = {}
        methods: dict[tuple[FrameKey | None, str], str] = {}
        for evaluation in self._evaluations:
            for path, lookup in evaluation.lookups.items():
                key = (evaluation.site, path)
                read[key] = read.get(key, False) or lookup.read
                methods[key] = lookup.method
        found = []
        for (site, path), was_read in read.items():
            parent = path.rpartition(LOOKUP_SEP)[0]
            if was_read or (parent and not read.get((site, parent), True)):
                continue
            found.append(UnusedEagerLoad(methods[(site, path)], path, self.finder.resolve(site)))
        return sorted(found, key=lambda item: (str(item.site), item.path))

    def _wrap(self, original: Any) -> Any:
        watch = self

        def evaluate(queryset: Any) -> Any:
            __tracebackhide__ = True
            if not watch.active or queryset._result_cache is not None:
                return original(queryset)
            result = original(queryset)
            watch._evaluated(queryset, sys._getframe(1))
            return result

        evaluate.__name__ = original.__name__
        return evaluate

    def _evaluated(self, queryset: Any, frame: FrameType) -> None:
        rows = queryset._result_cache
        if not rows or len(rows) < 2 or not isinstance(rows[0], Model):
            return
        joined = queryset.query.select_related
        selected: Tree = joined if isinstance(joined, dict) else {}
        prefetched = _tree(_prefetch_paths(queryset._prefetch_related_lookups))
        if not (selected or prefetched) or self._under_admin(frame):
            return
        evaluation = _Evaluation(self.finder.find(frame))
        self._watch(rows, selected, "", "select_related", evaluation)
        self._watch(rows, prefetched, "", "prefetch_related", evaluation)
        if evaluation.lookups:
            self._evaluations.append(evaluation)

    def _watch(
        self, objects: list[Any], tree: Tree, prefix: str, method: str, evaluation: _Evaluation
    ) -> None:
        for name, below in tree.items():
            path = f"{prefix}{name}"
            lookup = evaluation.lookups.get(path)
            loaded: list[Any] = []
            for obj in objects:
                found = _cached(obj, name)
                if found is None:
                    continue
                cache, key = found
                if lookup is None:
                    lookup = evaluation.lookups[path] = _Lookup(path, method)
                cache.lookups[key] = lookup
                loaded.extend(_loaded(dict.__getitem__(cache, key)))
            if below and loaded:
                self._watch(loaded, below, f"{path}{LOOKUP_SEP}", method, evaluation)

    @staticmethod
    def _under_admin(frame: FrameType | None) -> bool:
        while frame is not None:
            if _ADMIN in frame.f_code.co_filename.replace("\\", "/"):
                return True
            frame = frame.f_back
        return False
