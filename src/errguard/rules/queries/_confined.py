"""Querysets whose rows belong to given objects, or are the distinct values of one column.

EG102 reports a query repeated per iteration only when the loop's length grows with a table.
A loop over ``Order.objects.filter(state="paid")`` does; these do not, because what bounds
them is an object or a key list the code was handed, or the categories of a column:

- a filter that pins a relation or the primary key to a given value: ``filter(event=event)``,
  ``filter(snapshot_id=pk)``, ``filter(thread_id__in=ids)``, ``filter(event__organizer=org)``:
  the rows of those objects, as a related manager (``event.orders.all()``) gives them (not
  when the value is itself a queryset of a table: ``filter(pk__in=M.objects.values("pk"))``);
- ``values_list("currency", flat=True).distinct()``: one row per distinct value of a column
  that is not a key or a relation, that is one per category, however many rows share it;
- a project's manager method handed the rows it works on (``restrict(queryset=rows)``): its
  rows are the ones handed in, not its own table's.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from errguard.project.models.index import ModelIndex, ModelInfo
from errguard.rules.queries._bindings import QuerySet

# Relations a filter can pin to one given object (or a list of them) from this side.
_FORWARD = frozenset({"fk", "o2o", "m2m"})
_KEYS = frozenset({"pk", "id"})
# Lookups that compare with the given value itself, not a range or a pattern.
_EQUALITY = frozenset({"exact", "in"})
Resolve = Callable[[ast.expr], "QuerySet | None"]


def confines(
    base: QuerySet, method: str, call: ast.Call, models: ModelIndex, resolve: Resolve
) -> bool:
    """``base.<method>(...)`` (``call``) leaves only given objects' rows, a column's distinct
    values, or rows handed in; ``resolve`` gives the queryset an argument holds, if any."""
    if method == "filter":
        return pins_given_rows(base.model, models, call, resolve)
    if method == "distinct":
        return distinct_column(base.model, base.origin, call)
    handed = next((k.value for k in call.keywords if k.arg == "queryset"), None)
    return handed is not None and _given(handed, resolve)


def pins_given_rows(model: ModelInfo, models: ModelIndex, call: ast.Call, resolve: Resolve) -> bool:
    """A ``filter(...)`` keyword pins the rows to given objects or keys (not to a constant)."""
    return any(
        keyword.arg is not None
        and not isinstance(keyword.value, ast.Constant)
        and _pinned_path(model, models, keyword.arg.split("__"))
        and _given(keyword.value, resolve)
        for keyword in call.keywords
    )


def _given(value: ast.expr, resolve: Resolve) -> bool:
    """Objects handed to the code, not a queryset of a table's rows."""
    rows = resolve(value)
    return rows is None or rows.confined


def _pinned_path(model: ModelInfo, models: ModelIndex, parts: list[str]) -> bool:
    """``event``, ``event_id``, ``event__organizer__in``, ``pk``: relations (or the key) all
    the way, ending in an equality."""
    if parts[-1] in _EQUALITY and len(parts) > 1:
        parts = parts[:-1]
    current: ModelInfo | None = model
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if current is None:
            return False
        if part in _KEYS or current.attname_of(part) is not None:
            return last
        relation = current.relations.get(part)
        if relation is None or relation.kind not in _FORWARD:
            return False
        current = models.models.get(relation.target or "")
    return True


def distinct_column(model: ModelInfo, receiver: ast.expr, call: ast.Call) -> bool:
    """``<receiver>.distinct()`` where the receiver is ``values_list(field)`` or
    ``values(field)`` of one field that is not a key or a relation (its values are
    categories, not rows of another table)."""
    if call.args or call.keywords:
        return False  # DISTINCT ON (fields): whole rows, one per group
    if not (
        isinstance(receiver, ast.Call)
        and isinstance(receiver.func, ast.Attribute)
        and receiver.func.attr in ("values_list", "values")
        and len(receiver.args) == 1
    ):
        return False
    field = receiver.args[0]
    if not (isinstance(field, ast.Constant) and isinstance(field.value, str)):
        return False
    last = field.value.split("__")[-1]
    relation = field.value == last and last in model.relations
    return not (last in _KEYS or last.endswith("_id") or relation)
