"""The ``with`` statement an EG301/EG302 finding names, and when the fix can write it.

The detector decides here, from its analysis, whether wrapping the resource in ``with`` provably
keeps behaviour (apart from the close itself); ``errguard.rules.resources.fixes._resources``
carries it out from ``fix_data``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from errguard.astutil import rebinds
from errguard.rules.resources._resources import Leak, Scope, is_close_of

_SIMPLE = (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(frozen=True)
class Advice:
    """The ``with`` statement a finding names, and the fixer's instructions (None: no fix)."""

    statement: str
    fix_data: dict[str, Any] | None


def advise(
    scope: Scope,
    leak: Leak,
    *,
    fresh: str,
    closing: bool,
    keep_open: ast.expr | None = None,
) -> Advice:
    """``with <call> as name:``, or ``with closing(<call>) as name:`` for a DB-API resource.

    ``fresh`` names the resource when the code never did. No wrapped statement may close
    ``keep_open`` (the connection a cursor belongs to): the cursor's close would then fail.
    """
    call = scope.facts.ctx.segment(leak.call)
    plan = _plan(scope, leak, fresh, keep_open)
    name = str(plan["name"]) if plan else leak.trace.name or fresh
    item = call
    if closing:
        spelling = _closing_spelling(scope)
        item = f"{spelling[0] if spelling else 'contextlib.closing'}({call})"
        if plan is not None and spelling is not None:
            plan |= {"closing": spelling[0], "import": spelling[1]}
        else:
            plan = None
    # ``with connect() as conn:`` also ends a transaction: keep that, and close as well.
    in_with = isinstance(scope.parents.get(leak.call), ast.withitem)
    target = f"{name}, {name}" if in_with else name
    statement = f"with {item} as {target}:"
    return Advice(statement, None if plan is None else {**plan, "statement": statement})


def _plan(
    scope: Scope, leak: Leak, fresh: str, keep_open: ast.expr | None
) -> dict[str, Any] | None:
    if leak.how == "transaction":
        item = scope.parents.get(leak.call)
        if leak.trace.closes() or not isinstance(item, ast.withitem):
            return None
        target = item.optional_vars
        if not isinstance(target, ast.Name):
            return None
        return {"form": "transaction", "span": _span(scope, leak.call), "name": target.id}
    if leak.how == "once":
        return _plan_once(scope, leak, fresh)
    return _plan_block(scope, leak, keep_open)


def _plan_once(scope: Scope, leak: Leak, fresh: str) -> dict[str, Any] | None:
    """``open().execute(...)`` as a statement: that statement goes into the ``with``."""
    statement = scope.statement_of(leak.call)
    if not isinstance(statement, _SIMPLE) or leak.trace.names or statement not in scope.blocks:
        return None
    block, index = scope.blocks[statement]
    if not _alone(scope, block, index) or not _runs_once(scope, leak.call, statement):
        return None
    taken = scope.names
    name = next(n for n in (fresh, *(f"{fresh}_{i}" for i in range(2, 99))) if n not in taken)
    return {"form": "once", "span": _span(scope, leak.call), "name": name}


def _runs_once(scope: Scope, call: ast.Call, statement: ast.stmt) -> bool:
    """Whether ``call`` runs exactly once when ``statement`` runs (no branch, no loop)."""
    child: ast.AST = call
    for parent in scope.ancestors(call):
        if parent is statement:
            return True
        if isinstance(parent, (ast.IfExp, ast.BoolOp)) and child is not _first(parent):
            return False
        if isinstance(parent, _COMPREHENSIONS) and child is not parent.generators[0]:
            return False
        if isinstance(parent, ast.comprehension) and child is not parent.iter:
            return False
        child = parent
    return False


def _plan_block(scope: Scope, leak: Leak, keep_open: ast.expr | None) -> dict[str, Any] | None:
    """``x = open()`` and the statements through the last use of ``x`` go into the ``with``."""
    trace = leak.trace
    primary = trace.primary
    if not isinstance(primary, (ast.Assign, ast.AnnAssign)) or primary.value is not leak.call:
        return None
    if primary not in scope.blocks:
        return None
    block, first = scope.blocks[primary]
    reached = {id(node) for node, _, _ in trace.sites}
    for name in trace.names:
        if len(scope.stores[name]) != 1 or any(id(n) not in reached for n in scope.loads[name]):
            return None  # rebound, a parameter, or used before it is opened
    last = first
    for node, _, _ in trace.sites:
        index = _index_in(scope, node, block)
        if index is None or index < first:
            return None  # used outside the block that opens it
        last = max(last, index)
    closes = trace.closes()
    drop = len(closes) == 1 and is_close_of(block[last], trace.name)
    if (closes and not drop) or last - int(drop) == first:
        return None
    if not all(_alone(scope, block, index) for index in range(first, last + 1)):
        return None
    if keep_open is not None and _closes(block[first : last + 1], keep_open):
        return None
    return {
        "form": "block",
        "span": _span(scope, primary),
        "count": last - first + 1,
        "drop_close": drop,
        "name": trace.name,
    }


def _index_in(scope: Scope, node: ast.AST, block: list[ast.stmt]) -> int | None:
    for current in (node, *scope.ancestors(node)):
        position = scope.blocks.get(current)
        if position is not None and position[0] is block:
            return position[1]
    return None


def _alone(scope: Scope, block: list[ast.stmt], index: int) -> bool:
    """Whether ``block[index]`` has its lines to itself (no ``;``, not on a header line)."""
    statement = block[index]
    end_line = statement.end_lineno or statement.lineno
    if index > 0 and (block[index - 1].end_lineno or 0) >= statement.lineno:
        return False
    if index + 1 < len(block) and block[index + 1].lineno <= end_line:
        return False
    ctx = scope.facts.ctx
    before = ctx.line_text(statement.lineno).encode()[: statement.col_offset]
    after = ctx.line_text(end_line).encode()[statement.end_col_offset or 0 :].strip()
    return not before.strip() and (not after or after.startswith(b"#"))


def _span(scope: Scope, node: ast.AST) -> list[int]:
    return list(scope.facts.ctx.span(node))


def _closing_spelling(scope: Scope) -> tuple[str, bool] | None:
    """How to write ``contextlib.closing`` here, and whether ``import contextlib`` is needed."""
    spelling, missing = scope.facts.closing
    head, _, attribute = spelling.partition(".")
    target = "contextlib" if attribute else "contextlib.closing"
    if rebinds(scope.facts.ctx.tree, head, target):
        return None  # the module binds that name to something else somewhere
    return spelling, missing


def _first(node: ast.IfExp | ast.BoolOp) -> ast.expr:
    return node.test if isinstance(node, ast.IfExp) else node.values[0]


def _closes(statements: list[ast.stmt], receiver: ast.expr) -> bool:
    shape = ast.dump(receiver)
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "close"
        and ast.dump(node.func.value) == shape
        for statement in statements
        for node in ast.walk(statement)
    )
