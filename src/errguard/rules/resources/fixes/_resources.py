"""Closing a cursor or connection with ``with``, as the detector planned it (EG301, EG302).

Three forms, named by ``fix_data["form"]``:

- ``block``: ``x = open()`` and the ``count - 1`` statements after it become
  ``with open() as x:`` holding them (a trailing ``x.close()`` is dropped when ``drop_close``).
- ``once``: the statement using an unnamed ``open()`` goes inside ``with open() as <name>:``.
- ``transaction``: ``with sqlite3.connect(...) as conn:`` gets the connection closed as well:
  ``with closing(sqlite3.connect(...)) as conn, conn:`` (the transaction still commits).

``closing`` is the spelling of ``contextlib.closing`` to wrap the call in (absent for Django
cursors, which are context managers); ``import`` asks for ``import contextlib`` to be added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import libcst as cst

from errguard.fixes import FixContext, Replacements
from errguard.rules._shared.fix_imports import add_import

_SPACE = cst.SimpleWhitespace(" ")


def fix_resource(context: FixContext, data: Mapping[str, Any]) -> Replacements | None:
    form = data.get("form")
    if form == "block":
        replacements = _wrap_block(context, data)
    elif form == "once":
        replacements = _wrap_once(context, data)
    elif form == "transaction":
        replacements = _close_transaction(context, data)
    else:
        return None
    if replacements is None or not data.get("import"):
        return replacements
    return add_import(context, "import contextlib", replacements)


def _wrap_block(context: FixContext, data: Mapping[str, Any]) -> Replacements | None:
    assign = context.find_span(cst.Assign, data["span"]) or context.find_span(
        cst.AnnAssign, data["span"]
    )
    line = context.parents.get(assign) if assign is not None else None
    block = context.parents.get(line) if line is not None else None
    if assign is None or assign.value is None or not _single(line) or block is None:
        return None
    if not isinstance(block, cst.IndentedBlock):
        return None
    body = list(block.body)
    index = next(i for i, statement in enumerate(body) if statement is line)
    count = int(data["count"])
    region = body[index : index + count]
    if len(region) != count:
        return None
    inner, footer = list(region[1:]), []
    if data.get("drop_close"):
        footer = _comments(inner.pop())
    assert isinstance(line, cst.SimpleStatementLine)
    new = _with(_item(assign.value, data), str(data["name"]), inner, line, footer)
    return {block: block.with_changes(body=[*body[:index], new, *body[index + count :]])}


def _wrap_once(context: FixContext, data: Mapping[str, Any]) -> Replacements | None:
    call = context.find_span(cst.Call, data["span"])
    if call is None:
        return None
    line = context.statement_of(call)
    if not _single(line) or not isinstance(context.parents.get(line), cst.IndentedBlock):
        return None
    assert isinstance(line, cst.SimpleStatementLine)
    name = str(data["name"])
    inner = line.deep_replace(call, cst.Name(name))
    assert isinstance(inner, cst.SimpleStatementLine)
    body: list[cst.BaseStatement] = [inner.with_changes(leading_lines=())]
    header = line.with_changes(trailing_whitespace=cst.TrailingWhitespace())
    return {line: _with(_item(call, data), name, body, header, [])}


def _close_transaction(context: FixContext, data: Mapping[str, Any]) -> Replacements | None:
    call = context.find_span(cst.Call, data["span"])
    item = context.parents.get(call) if call is not None else None
    statement = context.parents.get(item) if item is not None else None
    if call is None or not isinstance(item, cst.WithItem) or not isinstance(statement, cst.With):
        return None
    if item.asname is None or not isinstance(item.asname.name, cst.Name):
        return None
    closed = cst.WithItem(
        _item(call, data), asname=item.asname, comma=cst.Comma(whitespace_after=_SPACE)
    )
    entered = cst.WithItem(cst.Name(item.asname.name.value), comma=item.comma)
    items: list[cst.WithItem] = []
    for existing in statement.items:
        items.extend((closed, entered) if existing is item else (existing,))
    return {statement: statement.with_changes(items=items)}


def _single(line: cst.CSTNode | None) -> bool:
    return isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1


def _item(call: cst.BaseExpression, data: Mapping[str, Any]) -> cst.BaseExpression:
    closing = data.get("closing")
    if not closing:
        return call
    return cst.Call(func=cst.parse_expression(str(closing)), args=[cst.Arg(call)])


def _with(
    item: cst.BaseExpression,
    name: str,
    body: list[cst.BaseStatement],
    replaced: cst.SimpleStatementLine,
    footer: Sequence[cst.EmptyLine],
) -> cst.With:
    """``with item as name:`` holding ``body``, where ``replaced`` stood (with its comments)."""
    first = body[0] if body else None
    if isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        # A blank line right after the old assignment would now follow the ``with`` header.
        leading = list(first.leading_lines)
        while leading and leading[0].comment is None:
            leading.pop(0)
        body[0] = first.with_changes(leading_lines=leading)
    return cst.With(
        items=[cst.WithItem(item, asname=cst.AsName(cst.Name(name)))],
        body=cst.IndentedBlock(body=body, header=replaced.trailing_whitespace, footer=footer),
        leading_lines=replaced.leading_lines,
    )


def _comments(statement: cst.BaseStatement) -> list[cst.EmptyLine]:
    """The comments of a statement being removed, kept as comment lines where it stood."""
    if not isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return []
    lines = [line for line in statement.leading_lines if line.comment is not None]
    if isinstance(statement, cst.SimpleStatementLine) and statement.trailing_whitespace.comment:
        lines.append(cst.EmptyLine(comment=statement.trailing_whitespace.comment))
    return lines
