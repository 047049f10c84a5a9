"""Adding an import to the module a fix edits, in the place a person would put it."""

from __future__ import annotations

import libcst as cst

from errguard.fixes import FixContext, Replacements


def add_import(context: FixContext, statement: str) -> Replacements:
    """Insert ``statement`` after the module's last top-level import.

    Without imports it goes after the docstring; an empty module just gets it. The import is
    added whole: when the module already binds the name, the caller should not ask.
    """
    module = context.module
    new = cst.parse_statement(f"{statement}\n")
    body = list(module.body)
    imports = [stmt for stmt in body if _is_import(stmt)]
    if imports:
        last = imports[-1]
        return {last: cst.FlattenSentinel([last, new])}
    if body and _is_docstring(body[0]):
        return {body[0]: cst.FlattenSentinel([body[0], new])}
    if body:
        return {body[0]: cst.FlattenSentinel([new, body[0]])}
    return {module: module.with_changes(body=[new])}


def _is_import(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in stmt.body
    )


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
