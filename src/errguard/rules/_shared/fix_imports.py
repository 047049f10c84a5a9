"""Adding an import to the module a fix edits, merged with the fix's own replacements."""

from __future__ import annotations

import libcst as cst

from errguard.fixes import FixContext, Replacement, Replacements


def add_import(
    context: FixContext, statement: str, replacements: Replacements
) -> Replacements | None:
    """``replacements`` plus ``statement`` (``"import contextlib"``) at the top of the imports.

    It goes after the docstring and ``__future__`` imports, before the first other statement.
    When that statement is itself being edited, the edits are folded into it: two
    replacements of overlapping code cannot both apply. None when they cannot be folded (a
    fix whose import is missing would fail at run time, so it is better not made).
    """
    body = context.module.body
    index = 1 if body and _is_docstring(body[0]) else 0
    while index < len(body) and _is_future(body[index]):
        index += 1
    new = cst.parse_statement(f"{statement}\n")
    if index == len(body):  # nothing but a docstring and __future__ imports
        anchor = body[-1] if body else None
        if anchor is None:
            return {**replacements, context.module: context.module.with_changes(body=[new])}
        return {**replacements, anchor: cst.FlattenSentinel([anchor, new])}
    anchor = body[index]
    updated: dict[cst.CSTNode, Replacement] = dict(replacements)
    edited: cst.CSTNode = anchor
    for old in list(updated):
        if _inside(context, old, anchor):
            replacement = updated.pop(old)
            if not isinstance(replacement, cst.CSTNode):
                return None  # removed or split: cannot be folded into the anchor
            edited = replacement if old is anchor else edited.deep_replace(old, replacement)
    new = new.with_changes(leading_lines=anchor.leading_lines)
    if _is_import(anchor):
        spacing: list[cst.EmptyLine] = []
    else:
        blank = 2 if isinstance(anchor, (cst.FunctionDef, cst.ClassDef)) else 1
        spacing = [cst.EmptyLine()] * blank
    assert isinstance(edited, cst.BaseStatement)
    updated[anchor] = cst.FlattenSentinel([new, edited.with_changes(leading_lines=spacing)])
    return updated


def _inside(context: FixContext, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
    current: cst.CSTNode | None = node
    while current is not None:
        if current is ancestor:
            return True
        current = context.parents.get(current)
    return False


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_future(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.ImportFrom)
        and isinstance(statement.body[0].module, cst.Name)
        and statement.body[0].module.value == "__future__"
    )


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and isinstance(
        statement.body[0], (cst.Import, cst.ImportFrom)
    )
