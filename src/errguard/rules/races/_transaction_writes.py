"""EG203: whether a transaction writes around a side effect, on the path through it.

A side effect before the commit goes wrong in two ways: a worker reads rows the transaction
wrote before queuing it and has not committed yet, or something after it rolls the transaction
back. A transaction that writes nothing on the path through the call (``save()``, ``create()``,
``update()``, ``delete()``, ... in the statements before and after it, in its branch of an
``if``, and in the project functions those call, two calls deep) has neither: it commits or
rolls back nothing. A task queued with ``countdown=`` or ``eta=`` starts after the delay, so
only a write after it counts. What cannot be resolved (a method of an object of unknown type)
counts as not writing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from errguard.project.functions import Function, FunctionIndex, ModuleDefinitions
from errguard.project.models.accesses import WRITE_METHODS
from errguard.rules.races._effect_calls import calls_in
from errguard.rules.races._side_effects import Scope

_CACHE = "django.core.cache"
_DELAYS = frozenset({"countdown", "eta"})
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_WRITES_DEPTH = 2


def delayed(call: ast.Call) -> bool:
    """``task.apply_async(..., countdown=60)``: the worker starts after the delay."""
    return any(keyword.arg in _DELAYS for keyword in call.keywords)


def writes_around(
    call: ast.Call, body: tuple[ast.stmt, ...], scope: Scope, cls: str | None, *, after_only: bool
) -> bool:
    """Whether the transaction ``body`` writes on the path through ``call`` (after it only,
    with ``after_only``)."""
    before, after = _around(call, body)
    nodes = after if after_only else [*before, *after]
    return any(_writes(inner, scope, cls) for inner in calls_in(nodes))


def callee_writes(call: ast.Call, scope: Scope, cls: str | None) -> bool:
    return _writes(call, scope, cls)


def _writes(call: ast.Call, scope: Scope, cls: str | None) -> bool:
    if _write_method(call, scope):
        return True
    found = scope.index.callee(scope.module, call.func, cls, scope.local)
    return found is not None and _function_writes(scope.index, *found, _WRITES_DEPTH)


def _function_writes(
    index: FunctionIndex, module: ModuleDefinitions, function: Function, cls: str | None, depth: int
) -> bool:
    key = ("eg203-writes", module.name, function.lineno, function.name, depth)
    cached = index.summaries.get(key)
    if isinstance(cached, bool):
        return cached
    index.summaries[key] = False  # recursion: what the first visit finds
    scope = Scope.of(function, module, index, frozenset())
    result = False
    for call in calls_in(function.body):
        if _write_method(call, scope):
            result = True
            break
        inner = index.callee(module, call.func, cls, scope.local) if depth > 0 else None
        if inner is not None and _function_writes(index, *inner, depth - 1):
            result = True
            break
    index.summaries[key] = result
    return result


def _write_method(call: ast.Call, scope: Scope) -> bool:
    """``obj.save()``, ``qs.update()``, ...; not Django's cache (``cache.delete()``), which no
    transaction holds back."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS):
        return False
    receiver = scope.qualified(func.value) or ""
    return not receiver.startswith(_CACHE)


def _around(call: ast.Call, body: tuple[ast.stmt, ...]) -> tuple[list[ast.AST], list[ast.AST]]:
    """What runs before and after ``call`` in ``body``, on its path: the statements before and
    after each statement holding it, in its own block (not the other branch of an ``if``), the
    headers of those statements, and the whole body of a loop holding it (the next round)."""
    parents = dict(_parents(body))
    before: list[ast.AST] = []
    after: list[ast.AST] = []
    node: ast.AST = call
    while id(node) in parents:
        parent = parents[id(node)]
        for block in _blocks(parent, body):
            if node in block:
                index = block.index(node)
                before.extend(block[:index])
                after.extend(block[index + 1 :])
        if isinstance(parent, _LOOPS):
            after.extend(parent.body)
        if isinstance(parent, ast.stmt) and not isinstance(node, ast.stmt):
            before.extend(_headers(parent, node))
        node = parent
    return before, after


def _parents(body: tuple[ast.stmt, ...]) -> Iterator[tuple[int, ast.AST]]:
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        for child in ast.iter_child_nodes(node):
            yield id(child), node
            stack.append(child)
    # The region's own statements have the region as their parent.
    region = ast.Module(body=list(body), type_ignores=[])
    for stmt in body:
        yield id(stmt), region


def _blocks(parent: ast.AST, body: tuple[ast.stmt, ...]) -> Iterator[list[ast.stmt]]:
    if isinstance(parent, ast.Module):
        yield list(body)
        return
    for name in ("body", "orelse", "finalbody"):
        block = getattr(parent, name, None)
        if isinstance(block, list):
            yield block


def _headers(parent: ast.stmt, child: ast.AST) -> list[ast.AST]:
    """The expressions of a compound statement other than ``child``: an ``if`` test, a loop's
    iterable, a ``with`` item."""
    return [
        node
        for node in ast.iter_child_nodes(parent)
        if node is not child and isinstance(node, (ast.expr, ast.withitem))
    ]
