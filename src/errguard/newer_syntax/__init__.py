"""Parsing files written for a newer Python than the one errguard runs on.

``ast`` knows only the running interpreter's grammar. When it rejects a file, libcst (which
knows the newest one) tells valid newer syntax from code that no Python accepts; only the
latter is a parse error (EG001). Code whose only newer syntax is Python 3.14's ``except A, B:``
is still checked: each of those commas becomes ``|`` (one character for one, so every position
stays), and the ``A | B`` that the running ``ast`` builds becomes the tuple Python 3.14 builds.
Other newer syntax cannot be read here: parsing raises ``NewerSyntax`` and the file is skipped.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from errguard.newer_syntax.scan import ExceptTuple, Scan, Span, Version


class NewerSyntax(Exception):
    """The file is valid for Python ``version`` and later, not for the running Python."""

    def __init__(self, version: Version, features: tuple[str, ...]) -> None:
        super().__init__(version, features)  # the arguments, for pickling across processes
        self.version = version
        self.features = features

    def __str__(self) -> str:
        return f"uses Python {_dotted(self.version)} syntax ({', '.join(self.features)})"


def parse_source(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse`` that also reads what it can of newer Pythons' syntax.

    Raises SyntaxError for code that no Python accepts, NewerSyntax for code only a newer
    Python than this one can parse.
    """
    try:
        return ast.parse(source, filename=filename)
    except SyntaxError as error:
        return _parse_newer(source, filename, error)


def skipped_report(skipped: Sequence[tuple[str, NewerSyntax]]) -> str:
    """What to tell on stderr about the files skipped for their syntax (path, reason)."""
    needed = _dotted(max(reason.version for _, reason in skipped))
    if len(skipped) == 1:
        path, reason = skipped[0]
        return f"errguard: {path}: {reason}; run errguard under Python >= {needed} to check it\n"
    running = _dotted(sys.version_info[:2])
    lines = [f"errguard: {len(skipped)} files not checked: Python {running} cannot parse them"]
    lines.extend(f"  {path}: {reason}" for path, reason in sorted(skipped, key=lambda s: s[0]))
    lines.append(f"errguard: run errguard under Python >= {needed} to check them")
    return "\n".join(lines) + "\n"


def _parse_newer(source: str | bytes, filename: str, error: SyntaxError) -> ast.Module:
    from errguard.newer_syntax.scan import scan

    found = scan(source)
    if found is None or not found.explains(error):
        raise error
    if found.only_except_tuples:
        tree = _parse_except_tuples(found, filename)
        if tree is not None:
            return tree
    constructs = sorted(found.constructs, key=lambda c: c.version, reverse=True)
    features = tuple(dict.fromkeys(construct.feature for construct in constructs))
    raise NewerSyntax(constructs[0].version, features)


def _parse_except_tuples(found: Scan, filename: str) -> ast.Module | None:
    """The tree Python 3.14 would build, or None when the rewrite cannot give it."""
    text = list(found.text)
    for except_tuple in found.except_tuples:
        for offset in except_tuple.commas:
            text[offset] = "|"
    try:
        tree = ast.parse("".join(text), filename=filename)
    except SyntaxError as error:
        if found.explains(error):  # an element that `|` binds differently: `except a, not b:`
            return None
        raise
    handlers = [node for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler)]
    wanted = {except_tuple.handler: except_tuple for except_tuple in found.except_tuples}
    for handler in handlers:
        written = wanted.pop((handler.lineno, handler.col_offset), None)
        if written is not None and not _restore_tuple(handler, written):
            return None
    return tree if not wanted else None


def _restore_tuple(handler: ast.ExceptHandler, except_tuple: ExceptTuple) -> bool:
    """Turn ``A | B`` back into ``(A, B)``, if the operands are exactly the elements."""
    operands: list[ast.expr] = []
    node = handler.type
    for _ in except_tuple.elements[1:]:
        if not isinstance(node, ast.BinOp) or not isinstance(node.op, ast.BitOr):
            return False
        operands.append(node.right)
        node = node.left
    if node is None:
        return False
    operands.append(node)
    operands.reverse()
    if [_span(operand) for operand in operands] != list(except_tuple.elements):
        return False
    line, column, end_line, end_column = except_tuple.span
    handler.type = ast.Tuple(
        elts=operands,
        ctx=ast.Load(),
        lineno=line,
        col_offset=column,
        end_lineno=end_line,
        end_col_offset=end_column,
    )
    return True


def _span(node: ast.expr) -> Span:
    return (node.lineno, node.col_offset, node.end_lineno or 0, node.end_col_offset or 0)


def _dotted(version: Version) -> str:
    return ".".join(map(str, version))
