"""How often a loop body runs, and which parts of it run at most once.

A statement list that ends in ``return``/``break``/``raise`` leaves the loop: whatever it
reads is read once, not once per row, so the N+1 rules skip it. A loop whose own body ends
that way (with no ``continue``) runs its body once at most.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence

from errguard.astutil import SCOPE_NODES

_EXITS = (ast.Return, ast.Break, ast.Raise)
_NESTED_LOOPS = (ast.For, ast.AsyncFor, ast.While)
# range(n) with a literal n up to this is a small, fixed amount of work, not a data-sized loop.
SMALL_RANGE = 20
_PASS_THROUGH_CALLS = frozenset({"enumerate", "sorted", "reversed", "list", "tuple", "set", "iter"})
_PASS_THROUGH_METHODS = frozenset({"items", "values", "keys", "get", "split", "splitlines"})
# Methods that give a collection of what their receiver holds: a data-sized receiver gives a
# data-sized collection (request.POST.getlist("ids"), order.lines.all()).
_COLLECTIONS_OF = _PASS_THROUGH_METHODS | frozenset(
    {"getlist", "lists", "all", "filter", "exclude", "order_by", "iterator", "distinct"}
)
# Readers of files and uploads: their rows are data, however the file was named.
_FILE_READERS = frozenset({"DictReader", "reader", "readlines", "iter_rows", "load_workbook"})
_DECODES = re.compile(r"^(loads?|parse|decode|deserialize)|(_|^)(json|loads?|parse|decode)(_|$)")


def exits(stmts: Sequence[ast.stmt]) -> bool:
    """The block always leaves the enclosing loop (or function)."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, _EXITS):
        return True
    if isinstance(last, ast.If):
        return exits(last.body) and exits(last.orelse)
    return False


def exit_depth(stmts: Sequence[ast.stmt], loops: int) -> int:
    """How many enclosing loops a block leaves: all for return/raise, one for break, else 0."""
    if not stmts:
        return 0
    last = stmts[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return loops
    if isinstance(last, ast.Break):
        return min(loops, 1)
    if isinstance(last, ast.If):
        return min(exit_depth(last.body, loops), exit_depth(last.orelse, loops))
    return 0


def _has_continue(stmts: Sequence[ast.stmt]) -> bool:
    stack: list[ast.AST] = list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Continue):
            return True
        if not isinstance(node, (*SCOPE_NODES, *_NESTED_LOOPS)):
            stack.extend(ast.iter_child_nodes(node))
    return False


def runs_once(body: Sequence[ast.stmt]) -> bool:
    """The loop cannot run its body more than once."""
    return exits(body) and not _has_continue(body)


def repeated_nodes(body: Sequence[ast.stmt]) -> Iterator[ast.AST]:
    """The parts of a loop body that may run on every iteration.

    Left out: branches that end by leaving the loop (their tests are kept), and, when the body
    itself ends by leaving, everything after its last ``continue`` (the "first match" pattern
    ``if not wanted(x): continue`` then ``return x.author`` reads ``author`` once).
    """
    if exits(body):
        last_continue = max((i for i, s in enumerate(body) if _has_continue([s])), default=-1)
        body = body[: last_continue + 1]
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield stmt.test
            once_per_key = on_key_change(stmt) or fills_cache(stmt)
            for branch in (stmt.body, stmt.orelse):
                if not exits(branch) and not (branch is stmt.body and once_per_key):
                    yield from repeated_nodes(branch)
        elif not isinstance(stmt, _EXITS):
            yield stmt


def on_key_change(stmt: ast.If) -> bool:
    """The grouping idiom ``if previous != row.key: ...; previous = row.key``: the branch runs
    once per run of equal keys (per group of rows sorted by the key), not once per row. Every
    alternative of an ``or`` test must be such a key change, or ``name is None`` for a name
    the branch sets."""
    stored = {
        target.id: node.value
        for node in stmt.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    test = stmt.test
    tests = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) else [test]
    return any(_key_change(t, stored) for t in tests) and all(
        _key_change(t, stored) or _unset(t, stored) for t in tests
    )


def fills_cache(stmt: ast.If) -> bool:
    """The memo idiom ``if key not in cache: cache[key] = ...``: the branch runs once per
    distinct key, not once per row."""
    test = stmt.test
    if not (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotIn)
    ):
        return False
    key, cache = ast.dump(test.left), ast.dump(test.comparators[0])
    return any(
        isinstance(target, ast.Subscript)
        and ast.dump(target.value) == cache
        and ast.dump(target.slice) == key
        for node in stmt.body
        if isinstance(node, ast.Assign)
        for target in node.targets
    )


def _key_change(test: ast.expr, stored: dict[str, ast.expr]) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    if not isinstance(test.ops[0], ast.NotEq):
        return False
    sides = (test.left, test.comparators[0])
    return any(
        isinstance(previous, ast.Name)
        and previous.id in stored
        and ast.dump(stored[previous.id]) == ast.dump(key)
        for previous, key in (sides, sides[::-1])
    )


def _unset(test: ast.expr, stored: dict[str, ast.expr]) -> bool:
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.left, ast.Name)
        and test.left.id in stored
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )


def literal_bound(node: ast.expr) -> bool:
    """A fixed, small collection written in the code: a literal, a constant, a small range."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Constant, ast.JoinedStr)):
        return True
    if isinstance(node, ast.Name):
        return node.id.isupper()
    if isinstance(node, ast.Attribute):
        return node.attr.isupper()
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "range":
            return all(
                isinstance(a, ast.Constant)
                and isinstance(a.value, int)
                and abs(a.value) <= SMALL_RANGE
                for a in node.args
            )
        if node.func.id in _PASS_THROUGH_CALLS | {"zip"} and node.args:
            return all(literal_bound(a) for a in node.args)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _PASS_THROUGH_METHODS
    ):
        return literal_bound(node.func.value)
    return False


def data_sized(node: ast.expr, unbounded: frozenset[str]) -> bool:
    """An iterable whose length depends on data: built from one of the ``unbounded`` names.

    Those are function arguments and locals derived from them or from querysets; an arbitrary
    function's result is not assumed to be large.
    """
    if isinstance(node, ast.Name):
        return node.id in unbounded
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        return data_sized(node.value, unbounded)
    if isinstance(node, ast.Starred):
        return data_sized(node.value, unbounded)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in _PASS_THROUGH_CALLS | {"zip"}:
            return any(data_sized(a, unbounded) for a in node.args)
        if isinstance(func, ast.Name) and func.id == "range":
            return any(data_sized(a, unbounded) for a in node.args)
        if isinstance(func, ast.Attribute) and func.attr in _COLLECTIONS_OF:
            return data_sized(func.value, unbounded)
        if isinstance(func, ast.Attribute) and func.attr == "in_bulk":
            return any(data_sized(a, unbounded) for a in node.args)  # one row per key given
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _FILE_READERS:
            return True  # rows of a file: as many as the file has
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        # json.loads(request.body), parse_payload(request): input decoded, still data-sized.
        if _DECODES.search(name) and node.args:
            return data_sized(node.args[0], unbounded)
    return False
