"""Querysets evaluated only to count their rows or to ask whether there is one.

``len(qs)`` and a truth test (``if qs:``, ``not qs``, ``bool(qs)``) fetch every row and build
every instance; when nothing reads the rows afterwards, ``qs.count()`` and ``qs.exists()`` ask
the database the same question in one small query. When the rows are read elsewhere in the
function (iterated, indexed, handed on, returned), the evaluation fills the queryset's result
cache and is the right call, so a queryset held in a local name is a probe only when the probe
is the name's one evaluation: every other use of the name clones it (``qs.filter(...)``) or
writes through it (``qs.update(...)``), and the name is bound to lazy querysets only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from errguard.astutil import walk_scope
from errguard.registry import Function
from errguard.rules.queries._bindings import Binding, QuerySet, merge_bindings
from errguard.rules.queries._querysets import Resolver

# Uses of a queryset's name that start a new query instead of reading its result cache.
_CLONING = frozenset(
    {
        "all", "filter", "exclude", "order_by", "distinct", "reverse", "using", "annotate",
        "alias", "values", "values_list", "select_related", "prefetch_related", "only",
        "defer", "none", "update", "delete", "model", "query", "db",
    }
)  # fmt: skip
# Django's queryset methods that give a queryset; a project's own manager or queryset method
# may return anything (a bool, a list, one row).
_DJANGO_CHAIN = _CLONING - {"update", "delete", "model", "query", "db"} | {
    "complex_filter", "extra", "get_queryset",
}  # fmt: skip
# Chains whose rows are not plain rows of a query: a generator, locked rows, a combined query.
_NOT_PLAIN = frozenset({"iterator", "select_for_update", "union", "intersection", "difference"})
# Chains whose count() can differ from the number of rows fetched (DISTINCT or GROUP BY over
# the ordering's columns): the fix is left to a person.
_COUNT_MAY_DIFFER = frozenset({"distinct", "annotate", "values", "values_list", "extra"})
_LOOPS = (
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


@dataclass(frozen=True)
class Probe:
    """``len(<queryset>)`` (``count``) or a truth test of one (``exists``)."""

    node: ast.expr  # what the fix replaces: the len()/bool() call, or the tested expression
    queryset: ast.expr
    method: str  # count or exists
    safe: bool


def probes(function: Function, resolver: Resolver, env: Mapping[str, Binding]) -> Iterator[Probe]:
    candidates = list(_candidates(function))
    if not candidates:
        return
    names: dict[str, QuerySet] | None = None
    parents: dict[ast.AST, ast.AST] | None = None
    for node, tested, method in candidates:
        if names is None and _root_name(tested) not in (None, "self"):
            names = _lazy_names(function, resolver, env)
        if isinstance(tested, ast.Name):
            found = (names or {}).get(tested.id)
            if found is not None and parents is None:
                parents = _parents(function)
            if found is None or not _only_evaluation(function, tested, parents or {}):
                continue
        elif isinstance(tested, ast.Call):
            found = resolver.queryset(tested, {**env, **(names or {})})
            if found is None or found.materialized:
                continue
        else:
            continue
        methods = _chain_methods(tested, function)
        if found.bound is not None or methods & _NOT_PLAIN or not methods <= _DJANGO_CHAIN:
            continue
        # Without an anchor the chain was built elsewhere (a view's queryset, a helper): what
        # it holds is not all in view.
        safe = found.anchor is not None and not methods & _COUNT_MAY_DIFFER
        yield Probe(node, tested, method, safe)


def _root_name(node: ast.expr) -> str | None:
    """The name a chain starts from: ``books`` in ``books.filter(...).distinct()``."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _candidates(function: Function) -> Iterator[tuple[ast.expr, ast.expr, str]]:
    """(node replaced, queryset expression, method) for each ``len(x)``, ``bool(x)`` and
    truth-tested ``x`` of the function: an ``if``/``elif``/``assert``/ternary/comprehension
    test, a ``not`` operand, or an ``and``/``or`` operand of one of those."""
    for node in walk_scope(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if len(node.args) == 1 and not node.keywords and node.func.id in ("len", "bool"):
                yield node, node.args[0], "count" if node.func.id == "len" else "exists"
        elif isinstance(node, (ast.If, ast.IfExp, ast.Assert)):
            yield from _tested(node.test)
        elif isinstance(node, ast.comprehension):
            for test in node.ifs:
                yield from _tested(test)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield from _tested(node.operand)


def _tested(node: ast.expr) -> Iterator[tuple[ast.expr, ast.expr, str]]:
    if isinstance(node, (ast.Name, ast.Call)):
        yield node, node, "exists"
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _tested(value)


def _lazy_names(
    function: Function, resolver: Resolver, env: Mapping[str, Binding]
) -> dict[str, QuerySet]:
    """Local names bound only to lazy querysets (never a list, a parameter, a loop target)."""
    local: dict[str, Binding] = dict(env)
    spoiled = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    assigned: set[str] = set()
    nodes = sorted(walk_scope(function), key=_position)
    whole_targets = {
        id(_target(node)) for node in nodes if isinstance(node, (ast.Assign, ast.AnnAssign))
    }
    for node in nodes:
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            spoiled.update(node.names)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            if id(node) not in whole_targets:
                spoiled.add(node.id)  # a loop target, an unpacking, ``with ... as``, ``del``
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(
            target := _target(node), ast.Name
        ):
            value = resolver.queryset(node.value, local) if node.value else None
            if value is None or value.materialized:
                spoiled.add(target.id)
                continue
            previous = local[target.id] if target.id in assigned else value
            local[target.id] = merge_bindings(previous, value)
            assigned.add(target.id)
    return {
        name: bound for name in assigned - spoiled if isinstance(bound := local[name], QuerySet)
    }


def _target(node: ast.Assign | ast.AnnAssign) -> ast.expr | None:
    """The one target of ``x = ...`` or ``x: T = ...``; None for ``a = b = ...``."""
    if isinstance(node, ast.AnnAssign):
        return node.target
    return node.targets[0] if len(node.targets) == 1 else None


def _only_evaluation(
    function: Function, probed: ast.Name, parents: Mapping[ast.AST, ast.AST]
) -> bool:
    """Every other read of the name (nested functions included) starts a new query from it,
    and the probe does not repeat in a loop the name was bound outside of (the first
    evaluation would serve the others from the cache)."""
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id == probed.id and node is not probed):
            continue
        if isinstance(node.ctx, ast.Load):
            parent = parents.get(node)
            if not (isinstance(parent, ast.Attribute) and parent.attr in _CLONING):
                return False
    return not _repeated(probed, function, parents)


def _repeated(probed: ast.Name, function: Function, parents: Mapping[ast.AST, ast.AST]) -> bool:
    """The probe sits in a loop whose body does not bind the name anew."""
    node: ast.AST = probed
    while (node := parents.get(node, function)) is not function:
        if isinstance(node, _LOOPS):
            binds = any(
                isinstance(inner, ast.Name)
                and inner.id == probed.id
                and isinstance(inner.ctx, ast.Store)
                for inner in ast.walk(node)
            )
            if not binds:
                return True
    return False


def _chain_methods(tested: ast.expr, function: Function) -> frozenset[str]:
    """The methods of the queryset's chain: in the expression, or in every expression
    assigned to its name (``qs = qs.filter(...)`` adds the receiver's, already counted)."""
    sources: list[ast.expr] = [tested]
    if isinstance(tested, ast.Name):
        sources = [
            node.value
            for node in walk_scope(function)
            if isinstance(node, (ast.Assign, ast.AnnAssign))
            and node.value is not None
            and isinstance(target := _target(node), ast.Name)
            and target.id == tested.id
        ]
    return frozenset(method for source in sources for method in _spine(source))


def _spine(node: ast.expr) -> Iterator[str]:
    """The methods called along a chain: ``filter``, ``order_by`` in
    ``Book.objects.filter(x=f()).order_by("y")`` (not ``f``); ``()`` when the chain starts
    from a function's result (a helper's queryset, built who knows how)."""
    while True:
        if isinstance(node, ast.Call):
            yield node.func.attr if isinstance(node.func, ast.Attribute) else "()"
            node = node.func
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        else:
            return


def _parents(function: Function) -> dict[ast.AST, ast.AST]:
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(function):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
