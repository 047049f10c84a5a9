"""EG101: related-manager queries and loads a loop runs per row on purpose.

- a query whose filter changes from row to row: its arguments read what the iteration computes
  (``queue.ticket_set.filter(created__lte=cutoff)`` with ``cutoff`` set in the body), or the
  queryset is refined under a test on the row (``if event.has_subevents: qs = qs.filter(...)``).
  One ``Prefetch`` queryset filters every row alike, so no prefetch can serve it: the query
  is the iteration's own work;
- a queryset handed unevaluated to a job (``process.delay(project.tasks.all())``,
  ``run_job(update_counters, project.tasks.all())``): the job evaluates it elsewhere, and a
  prefetch would load every related row into this process's memory at once;
- a cost the author documented and accepted in a comment on the read, or right above the loop
  or a statement that holds it (``# a high performance penalty, but this should be rare``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence

from errguard.astutil import SCOPE_NODES, names_loaded
from errguard.rules._shared.comments import DEBT, FINE, comments_above, comments_within
from errguard.rules.queries._nplusone import EXECUTING, RelationLoad

# Methods that hand a call to a task queue or an executor.
_ENQUEUE = frozenset({"delay", "apply_async", "enqueue", "enqueue_call", "send_task", "submit"})
# Builtins that take a function and run it here, at once, over what they are given.
_RUN_HERE = frozenset({"map", "filter", "sorted", "min", "max", "reduce", "any", "all"})
# A comment that names the cost of the queries ("performance penalty", "N+1", "slow").
_COST = re.compile(
    r"\bperformance|\bpenalty|\bslow|\bexpensive|\bcostly|\bN\s?\+\s?1\b"
    r"|\bquer(y|ies) (per|for each|each)\b|\b(extra|many|more) quer(y|ies)",
    re.I,
)


def deliberate_load(found: RelationLoad, function: ast.AST, lines: Sequence[str]) -> bool:
    """The load is the iteration's own work, a job's input, or a documented cost."""
    return (
        _per_row_query(found)
        or _handed_to_job(found, function)
        or _cost_accepted(found, function, lines)
    )


def _per_row_query(found: RelationLoad) -> bool:
    loop = found.loop.node
    if not found.load.method or not isinstance(found.node, ast.Call):
        return False
    per_row = found.loop.assigned
    chain = list(_chain_calls(found.node, loop))
    if any(_reads(call, per_row) for call in chain):
        return True
    held = {
        target.id
        for node in _walk(_body(loop))
        if isinstance(node, ast.Assign) and any(node.value is call for call in chain)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    return any(_refined_per_row(loop, name, per_row) for name in held)


def _chain_calls(access: ast.Call, loop: ast.AST) -> Iterator[ast.Call]:
    """``access`` and every call chained onto it in the loop (``.exclude(...).filter(...)``)."""
    for node in _walk(_body(loop)):
        current: ast.expr = node if isinstance(node, ast.Call) else ast.Constant(None)
        while isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
            if current is access:
                assert isinstance(node, ast.Call)
                yield node
                break
            current = current.func.value


def _reads(call: ast.Call, names: frozenset[str]) -> bool:
    """The call's own arguments read one of ``names``."""
    arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
    return any(names_loaded(argument) & names for argument in arguments)


def _refined_per_row(loop: ast.AST, name: str, per_row: frozenset[str]) -> bool:
    """``name = name.filter(...)`` under a test on what the iteration reads, or with
    arguments computed by it."""
    others = per_row - {name}

    def visit(stmts: Sequence[ast.stmt], guarded: bool) -> bool:
        for stmt in stmts:
            if isinstance(stmt, SCOPE_NODES):
                continue
            if isinstance(stmt, ast.Assign) and _refines(stmt, name):
                calls = [n for n in ast.walk(stmt.value) if isinstance(n, ast.Call)]
                if guarded or any(_reads(call, others) for call in calls):
                    return True
            inner = guarded or (isinstance(stmt, ast.If) and bool(names_loaded(stmt.test) & others))
            for field in ("body", "orelse", "finalbody"):
                if visit(getattr(stmt, field, None) or [], inner):
                    return True
            for handler in getattr(stmt, "handlers", []):
                if visit(handler.body, inner):
                    return True
        return False

    return isinstance(loop, (ast.For, ast.AsyncFor)) and visit(loop.body, guarded=False)


def _refines(stmt: ast.Assign, name: str) -> bool:
    root: ast.expr = stmt.value
    while isinstance(root, (ast.Call, ast.Attribute)):
        root = root.func if isinstance(root, ast.Call) else root.value
    targets = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    return targets == [name] and isinstance(root, ast.Name) and root.id == name


def _handed_to_job(found: RelationLoad, function: ast.AST) -> bool:
    """The lazy queryset is an argument of a call that queues it, or that is handed the
    function to run on it."""
    if found.load.method in EXECUTING or not isinstance(found.node, ast.Call):
        return False
    for node in _walk([function]):
        if not isinstance(node, ast.Call) or not _passes(node, found.node):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _ENQUEUE:
            return True
        if isinstance(func, ast.Name) and func.id in _RUN_HERE:
            return False
        return any(_function_reference(argument, function) for argument in node.args)
    return False


def _passes(call: ast.Call, value: ast.AST) -> bool:
    return any(argument is value for argument in call.args) or any(
        keyword.value is value for keyword in call.keywords
    )


def _function_reference(node: ast.expr, function: ast.AST) -> bool:
    """A function named, not called: imported or defined at module level, lower-case (a
    class is instantiated, not run as a job)."""
    if not isinstance(node, ast.Name) or not node.id[:1].islower():
        return False
    return node.id not in _local_names(function)


def _local_names(function: ast.AST) -> frozenset[str]:
    """Names the function binds itself: its parameters and assignments (values, not code)."""
    names = {
        node.id
        for node in _walk([function])
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = function.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        names.update(a.arg for a in every)
        names.update(a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None)
    return frozenset(names)


def _cost_accepted(found: RelationLoad, function: ast.AST, lines: Sequence[str]) -> bool:
    read_line = getattr(found.node, "lineno", 0)
    comments = [*comments_within(lines, read_line, read_line)]
    for statement in _enclosing(function, found.loop.node):
        line = statement.lineno
        # A block of comment lines is one text: its sentences run across lines.
        block = " ".join(reversed([c.lstrip("# ") for c in comments_above(lines, line)]))
        comments += [*comments_within(lines, line, line), block]
    return any(
        _COST.search(comment) and FINE.search(comment) and not DEBT.search(comment)
        for comment in comments
    )


def _enclosing(function: ast.AST, loop: ast.AST) -> list[ast.stmt]:
    """The statements of ``function`` that hold ``loop``, outermost first, and the loop's own
    statement (the one holding a comprehension)."""
    path: list[ast.stmt] = []
    body: Sequence[ast.AST] = list(ast.iter_child_nodes(function))
    while True:
        holder = next((s for s in body if isinstance(s, ast.stmt) and _contains(s, loop)), None)
        if holder is None or isinstance(holder, SCOPE_NODES):
            return path
        path.append(holder)
        if holder is loop:
            return path
        body = list(ast.iter_child_nodes(holder))


def _contains(root: ast.AST, node: ast.AST) -> bool:
    return any(child is node for child in ast.walk(root))


def _body(loop: ast.AST) -> list[ast.AST]:
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return list(loop.body)
    return [loop]


def _walk(nodes: Sequence[ast.AST]) -> Iterator[ast.AST]:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(
            child for child in ast.iter_child_nodes(node) if not isinstance(child, SCOPE_NODES)
        )
