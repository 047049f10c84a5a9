"""What a name holds in the N+1 analysis: a queryset and what it loaded, one of its rows, a
row fetched on its own, a model class, a view's template context."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TypeAlias

from errguard.project.models.index import ModelInfo


@dataclass(frozen=True)
class Loaded:
    """What a queryset, and every instance it yields, already holds in memory."""

    select: frozenset[str] = frozenset()
    select_all: bool = False
    prefetch: frozenset[str] = frozenset()
    to_attrs: frozenset[str] = frozenset()
    only: frozenset[str] | None = None
    deferred: frozenset[str] = frozenset()
    annotations: frozenset[str] = frozenset()
    opaque: bool = False
    # Relations every row shares one object of (the row whose related manager gave the rows):
    # what is read through it is loaded once, not once per row.
    shared: frozenset[str] = frozenset()

    def has(self, path: str) -> bool:
        return path in self.select or path in self.prefetch

    def below(self, name: str) -> Loaded:
        """The state of the related object reached through ``name``."""
        if name in self.shared:
            return Loaded(opaque=True)
        prefix = f"{name}__"
        return Loaded(
            select=frozenset(p[len(prefix) :] for p in self.select if p.startswith(prefix)),
            select_all=self.select_all,
            prefetch=frozenset(p[len(prefix) :] for p in self.prefetch if p.startswith(prefix)),
            opaque=self.opaque,
        )


def with_prefixes(paths: frozenset[str]) -> frozenset[str]:
    """``a__b`` loads ``a`` too."""
    parts = {"__".join(p.split("__")[: i + 1]) for p in paths for i in range(p.count("__") + 1)}
    return frozenset(parts)


@dataclass(frozen=True)
class FixAnchor:
    """The expression a fix may edit: built in this function, on a straight path to the loop."""

    node: ast.expr
    methods: frozenset[str]  # chain methods seen, to judge what may be added
    only: frozenset[str] | None
    deferred: frozenset[str]
    select_all: bool


@dataclass(frozen=True)
class QuerySet:
    model: ModelInfo
    loaded: Loaded
    origin: ast.expr
    rows: str = "instances"
    bound: int | None = None
    # A list already built from the queryset (list(), sorted()): evaluating it runs no query.
    materialized: bool = False
    anchor: FixAnchor | None = None
    # Reached through a relation of an outer loop's instance: fixes go on the outer queryset.
    prefix: str = ""
    outer: QuerySet | None = None
    # A related manager of a row handed in by a caller (``publisher.author_set``): the fix
    # belongs where the callers fetch that row, so the advice names the full lookup.
    handed_in: ast.Attribute | None = None
    # Its rows belong to given objects (a related manager, a filter pinning a relation or the
    # key to a given value) or are the distinct values of a column: iterating it does not
    # grow with a table (``_confined``).
    confined: bool = False


@dataclass(frozen=True)
class Instance:
    """A model instance whose loaded state is known (a loop variable, or an alias of one)."""

    model: ModelInfo
    loaded: Loaded
    source: QuerySet  # the queryset the instance came from
    path: tuple[str, ...] = ()  # relations followed from the loop variable to reach it
    variable: str = ""


@dataclass(frozen=True)
class ModelClass:
    model: ModelInfo


@dataclass(frozen=True)
class Row:
    """One row fetched on its own (``M.objects.get(...)``, ``get_object_or_404(M, ...)``, a
    detail view's ``self.object``): its related managers start fresh querysets."""

    model: ModelInfo
    # Handed in by a caller (``self`` in a model method, a parameter, a row reached from one):
    # callers may have prefetched its relations, and a ``select_related()`` added to one of its
    # related managers would bypass their prefetch, so no fix is offered.
    from_caller: bool = False


@dataclass(frozen=True)
class ContextDict:
    """A list view's template context (``super().get_context_data()``): its ``object_list``."""

    object_list: QuerySet


Binding: TypeAlias = "QuerySet | Instance | ModelClass | Row | ContextDict | None"
# Fetch a single row by a model class or a queryset given as the first argument.
ROW_SHORTCUTS = frozenset({"get_object_or_404", "get_object_or_None"})


def union(a: Loaded, b: Loaded) -> Loaded:
    """What is loaded on some path: merging branches this way can only hide findings."""
    return Loaded(
        select=a.select | b.select,
        select_all=a.select_all or b.select_all,
        prefetch=a.prefetch | b.prefetch,
        to_attrs=a.to_attrs | b.to_attrs,
        only=None if a.only is None or b.only is None else a.only | b.only,
        deferred=a.deferred & b.deferred,
        annotations=a.annotations | b.annotations,
        opaque=a.opaque or b.opaque,
        shared=a.shared & b.shared,
    )


def merge_bindings(a: Binding, b: Binding) -> Binding:
    """The binding after two branches: same kind and model merge, anything else is unknown."""
    if a == b:
        return a
    if isinstance(a, QuerySet) and isinstance(b, QuerySet) and a.model.key == b.model.key:
        return replace(
            a,
            loaded=union(a.loaded, b.loaded),
            anchor=None,
            confined=a.confined and b.confined,  # a table's rows on one branch: unbounded
        )
    return None
