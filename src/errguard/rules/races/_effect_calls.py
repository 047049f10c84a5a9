"""EG203: the side effects a transaction reaches through the project's own functions.

``with transaction.atomic(): place_order(cart)`` queues a task if ``place_order`` (in this
module or another, or a sibling method) does, or a function it calls does, a few calls deep,
resolved statically through imports (``FunctionIndex``). What a callee does inside its own
``transaction.atomic()`` block, or in its whole body when it is decorated atomic, is reported
there, not again at every caller. Summaries are memoised in the project's function index, so
a function called from many transactions is read once per process.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from errguard.astutil import SCOPE_NODES
from errguard.project.functions import Function, FunctionIndex, ModuleDefinitions
from errguard.rules.races._side_effects import Scope, SideEffect, side_effect
from errguard.rules.races._transactions import atomic_blocks, decorated_atomic

# Calls followed from the transaction: atomic -> a() -> b() -> c() at most.
MAX_DEPTH = 3


@dataclass(frozen=True)
class Reached:
    """A side effect in a project function, and the calls that lead to it, outermost first."""

    effect: SideEffect
    chain: tuple[str, ...]
    module: str
    line: int


class EffectFollower:
    """Follows the calls of one file's transactions into the project's functions."""

    def __init__(self, index: FunctionIndex, extra: frozenset[str]) -> None:
        self.index = index
        self.extra = extra

    def reached(self, call: ast.Call, scope: Scope, cls: str | None) -> Reached | None:
        """The first side effect the project function ``call`` runs reaches, if any."""
        found = self.index.callee(scope.module, call.func, cls, scope.local)
        if found is None:
            return None
        module, function, owner = found
        inner = self._summary(module, function, owner, MAX_DEPTH - 1)
        if inner is None:
            return None
        return Reached(inner.effect, (f"{function.name}()", *inner.chain), inner.module, inner.line)

    def _summary(
        self, module: ModuleDefinitions, function: Function, cls: str | None, depth: int
    ) -> Reached | None:
        key = ("eg203-reaches", module.name, function.lineno, function.name, self.extra, depth)
        memo = self.index.summaries
        if key in memo:
            cached = memo[key]
            return cached if isinstance(cached, Reached) else None
        memo[key] = None  # recursion: what the first visit finds
        result = self._first_effect(module, function, cls, depth)
        memo[key] = result
        return result

    def _first_effect(
        self, module: ModuleDefinitions, function: Function, cls: str | None, depth: int
    ) -> Reached | None:
        scope = Scope.of(function, module, self.index, self.extra)
        if decorated_atomic(function, scope.imports):
            return None  # its own transaction: reported in it
        for call in outside_transactions(function.body, scope):
            effect = side_effect(call, scope)
            if effect is not None:
                return Reached(effect, (), module.name, call.lineno)
            if depth > 0:
                found = self.index.callee(module, call.func, cls, scope.local)
                if found is None:
                    continue
                inner = self._summary(found[0], found[1], found[2], depth - 1)
                if inner is not None:
                    label = f"{found[1].name}()"
                    return Reached(inner.effect, (label, *inner.chain), inner.module, inner.line)
        return None


def calls_in(stmts: Sequence[ast.AST]) -> list[ast.Call]:
    """The calls the statements make where they stand, in source order: nested functions and
    lambdas (an ``on_commit`` callback) run later, if at all."""
    found: list[ast.Call] = []
    stack: list[ast.AST] = list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, SCOPE_NODES):
            continue
        if isinstance(node, ast.Call):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    found.sort(key=lambda call: (call.lineno, call.col_offset))
    return found


def outside_transactions(stmts: list[ast.stmt], scope: Scope) -> Iterator[ast.Call]:
    """The calls of ``stmts`` outside their own ``transaction.atomic()`` blocks."""
    inside = {
        id(call) for block in atomic_blocks(stmts, scope.imports) for call in calls_in(block.body)
    }
    for call in calls_in(stmts):
        if id(call) not in inside:
            yield call
