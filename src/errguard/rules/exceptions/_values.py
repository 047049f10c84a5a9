"""What statements hand on and what values are made of, for EG402's handler checks."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping

from errguard.astutil import dotted_name, walk_statements

# Calls that build an empty result: a fallback made of them says nothing was found.
_EMPTY_MAKERS = frozenset({"dict", "list", "set", "tuple", "str", "frozenset", "none"})
# Model and queryset methods that write rows.
_WRITES = frozenset(
    {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "save", "delete"}
)
# Expressions that build a value from other values (an f-string, a comprehension).
_BUILT_FROM_DATA = (ast.FormattedValue, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# The words of an identifier (``errors_encountered``, ``checkTmpDir``).
WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def assigned_value(stmt: ast.stmt) -> ast.expr | None:
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Return)):
        return stmt.value
    return None


def produces(stmt: ast.stmt) -> set[str]:
    """What a statement hands on: the names it binds, ``return``, or the call it makes."""
    if isinstance(stmt, ast.Return):
        return {"return"}
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return {"call " + ast.unparse(stmt.value.func)}
    targets = (
        stmt.targets
        if isinstance(stmt, ast.Assign)
        else [stmt.target]
        if isinstance(stmt, ast.AnnAssign)
        else []
    )
    return {ast.unparse(node) for target in targets for node in _bound(target)}


def _bound(target: ast.expr) -> Iterator[ast.expr]:
    if isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _bound(element)
    elif isinstance(target, ast.Starred):
        yield from _bound(target.value)
    elif not (isinstance(target, ast.Name) and target.id == "_"):
        yield target


def produced_in(stmts: list[ast.stmt]) -> set[str]:
    produced: set[str] = set()
    for node in walk_statements(stmts):
        if isinstance(node, ast.stmt):
            produced |= produces(node)
    return produced


def computed(value: ast.expr, imports: Mapping[str, str]) -> bool:
    """A value worked out from data, not a constant, a bare default or an empty result, and
    not a write: creating the row the ``try`` failed to read is another operation, and the
    classic way to end up with duplicates."""
    nodes = list(ast.walk(value))
    if any(isinstance(node, ast.Call) and writes(node) for node in nodes):
        return False
    for node in nodes:
        if isinstance(node, _BUILT_FROM_DATA):
            return True
        if isinstance(node, ast.Call) and not _makes_empty(node) and not _constant(node, imports):
            return True
    return False


def _constant(call: ast.Call, imports: Mapping[str, str]) -> bool:
    """``Decimal("0")``, ``timedelta(0)``: a function of the code's own, or of an imported
    module, called with constants only; a method of data (``text.split(",")``) is not."""
    arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
    if not arguments or not all(isinstance(argument, ast.Constant) for argument in arguments):
        return False
    root = call.func
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and (root is call.func or root.id in imports)


def writes(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in _WRITES


def _makes_empty(call: ast.Call) -> bool:
    name = dotted_name(call.func) or ""
    return not call.args and not call.keywords and name.rsplit(".", 1)[-1] in _EMPTY_MAKERS


def empty(value: ast.expr) -> bool:
    """``None``, ``""``, ``0``, ``[]``, ``{}``, ``list()``, ``qs.none()``: a value that says
    nothing was found."""
    if isinstance(value, ast.Constant):
        return not value.value
    if isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
        return not (value.keys if isinstance(value, ast.Dict) else value.elts)
    return isinstance(value, ast.Call) and _makes_empty(value)
