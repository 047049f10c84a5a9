"""EG101: which of the analysis's relation loads are reads a prefetch or a join would serve.

The N+1 analysis notes every related manager query and relation read on a loop variable.
Some of them are not the N+1 the rule describes, and its advice would not help:

- a related manager's rows written in bulk (``row.items.filter(...).update(...)``,
  ``.delete()``): a write per row, which no prefetch or join can batch;
- a related manager read after the loop body wrote through it (``row.tags.remove(tag)``
  then ``row.tags.count()``): the write empties its prefetch cache, so the read queries
  anyway, as it must to see the write;
- reads through the rows of a related manager of a row a caller handed in
  (``for line in invoice.lines.all(): line.product``), when the project prefetches that
  lookup (``lines__product``) somewhere: a caller's prefetch serves ``.all()``, and which
  callers prefetch it cannot be told here.
"""

from __future__ import annotations

import ast

from errguard.astutil import walk_scope
from errguard.project.models.accesses import attribute_path
from errguard.rules.queries._bindings import QuerySet
from errguard.rules.queries._querysets import SINGLE_RESULT

# Queryset methods that write the rows they select, in one statement, without loading them.
_BULK_WRITES = frozenset({"update", "delete"})
# Related manager writes after which Django drops the manager's prefetched rows
# (get_or_create() and update_or_create() do only when they create a many-to-many link).
_MANAGER_WRITES = frozenset({"add", "remove", "set", "clear", "create"})


def bulk_written(function: ast.AST) -> frozenset[int]:
    """The queryset expressions (by ``id``) that ``.update()``/``.delete()`` is called on,
    with every call of their chains: ``row.items.filter(...)`` in
    ``row.items.filter(...).exclude(...).delete()``."""
    found: set[int] = set()
    for node in walk_scope(function):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _BULK_WRITES
        ):
            continue
        receiver: ast.expr = node.func.value
        # ``row.items.first().delete()`` loads the row it deletes: that read stays.
        while (
            isinstance(receiver, ast.Call)
            and isinstance(receiver.func, ast.Attribute)
            and receiver.func.attr not in SINGLE_RESULT
        ):
            found.add(id(receiver))
            receiver = receiver.func.value
    return frozenset(found)


def prefetched_by_callers(top: QuerySet, lookup: str, prefetched: frozenset[str]) -> bool:
    """The loop is over ``row.<manager>.all()`` of a row handed in by a caller, and the
    project prefetches ``<manager>__<lookup>`` (or a longer lookup ending in it) somewhere."""
    manager = top.handed_in
    if manager is None or not _cache_served(top.origin, manager):
        return False
    path = f"{manager.attr}__{lookup}"
    return any(p == path or p.endswith(f"__{path}") for p in prefetched)


def _cache_served(rows: ast.expr, manager: ast.Attribute) -> bool:
    """``row.lines.all()`` (or the manager itself) reads the prefetch cache; ``.filter()``,
    ``.order_by()`` or ``.iterator()`` run a query of their own."""
    if rows is manager:
        return True
    return (
        isinstance(rows, ast.Call)
        and not rows.args
        and not rows.keywords
        and isinstance(rows.func, ast.Attribute)
        and rows.func.attr == "all"
        and rows.func.value is manager
    )


def read_after_manager_write(loop: ast.AST, read: ast.AST, variable: str, manager: str) -> bool:
    """Before ``read`` (a ``variable.manager.<query>()`` call), the loop body writes through
    the same manager (``variable.manager.remove(...)``)."""
    body = loop.body if isinstance(loop, (ast.For, ast.AsyncFor)) else [loop]
    where = _position(read)
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _MANAGER_WRITES
        and attribute_path(node.func.value) == (variable, (manager,))
        and _position(node) < where
        for statement in body
        for node in ast.walk(statement)
    )


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
