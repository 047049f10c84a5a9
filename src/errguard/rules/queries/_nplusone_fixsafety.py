"""EG101: when adding ``prefetch_related()`` costs a query the loop did not run.

A ``prefetch_related()`` runs its query whenever the rows are fetched (a join added by
``select_related()`` does not: it rides on the rows' own query). It is cheaper than the loop's
queries only when the loop would have run them: not when the read sits in a branch that may be
taken for no row (``if row.name not in keep: ... row.owner``), and not when the same queryset is
then deleted (``qs.delete()`` fetches the rows, prefetch included, when it cannot delete them
in one statement).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from errguard.astutil import walk_scope


def read_on_every_row(loop: ast.AST, node: ast.AST) -> bool:
    """``node`` runs on every iteration of a ``for`` loop: outside its branches and handlers.
    (In a comprehension it runs for every row its conditions keep.)"""
    if not isinstance(loop, (ast.For, ast.AsyncFor)):
        return not _in_conditional_expression(loop, node)
    return _unconditional(loop.body, node)


def _unconditional(stmts: Sequence[ast.stmt], node: ast.AST) -> bool:
    for stmt in stmts:
        if not _contains(stmt, node):
            continue
        if isinstance(stmt, (ast.If, ast.While)):
            return _contains(stmt.test, node)
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            # Rows of an inner loop: a prefetch of none of them runs no query.
            return _contains(stmt.iter, node) or _unconditional(stmt.body, node)
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            return _unconditional(stmt.body, node)
        if isinstance(stmt, ast.Try):
            return _unconditional([*stmt.body, *stmt.finalbody], node)
        if isinstance(stmt, ast.Match) or type(stmt).__name__ == "TryStar":
            return False
        return not _in_conditional_expression(stmt, node)
    return False


def _in_conditional_expression(root: ast.AST, node: ast.AST) -> bool:
    """``node`` is in a branch of ``a if c else b`` or after the first operand of
    ``and``/``or``: evaluated for some rows only."""
    for candidate in ast.walk(root):
        if isinstance(candidate, ast.IfExp):
            branches: list[ast.AST] = [candidate.body, candidate.orelse]
        elif isinstance(candidate, ast.BoolOp):
            branches = list(candidate.values[1:])
        else:
            continue
        if any(_contains(branch, node) for branch in branches):
            return True
    return False


def _contains(root: ast.AST, node: ast.AST) -> bool:
    return any(child is node for child in ast.walk(root))


def deleted_querysets(function: ast.AST) -> frozenset[str]:
    """Names ``.delete()`` is called on: ``affected.delete()``."""
    return frozenset(
        node.func.value.id
        for node in walk_scope(function)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "delete"
        and isinstance(node.func.value, ast.Name)
    )
