"""Where a file uses syntax newer than the running Python, found with libcst's parser.

libcst parses the newest grammar whatever Python runs it, so it can tell a file written for a
newer Python from a file that no Python accepts. It is permissive in places, so it is asked only
about files ``ast`` already rejected, and only the constructs below count as newer syntax.
Imported only then: libcst is slow to import.
"""

from __future__ import annotations

import ast
import functools
import io
import itertools
import sys
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

Version = tuple[int, int]
# (line, column, end line, end column) as ``ast`` counts them: 1-based lines, UTF-8 columns.
Span = tuple[int, int, int, int]

RUNNING: Version = sys.version_info[:2]
EXCEPT_TUPLE = "except without parentheses"
_ExceptClause = cst.ExceptHandler | cst.ExceptStarHandler


@dataclass(frozen=True)
class Construct:
    version: Version
    feature: str
    first_line: int
    last_line: int


@dataclass(frozen=True)
class ExceptTuple:
    """``except A, B:``: what ``ast`` of Python 3.14 builds, and where the commas are."""

    handler: tuple[int, int]  # the ``except`` keyword
    span: Span  # the tuple, from the first element to the last
    elements: tuple[Span, ...]  # each element, without its parentheses
    commas: tuple[int, ...]  # offsets in the text


@dataclass(frozen=True)
class Scan:
    text: str
    constructs: tuple[Construct, ...]  # only those the running Python does not accept
    except_tuples: tuple[ExceptTuple, ...]

    def explains(self, error: SyntaxError) -> bool:
        """The error lies in newer syntax (not in code that would fail on a newer Python too)."""
        line = error.lineno
        return line is not None and any(
            c.first_line <= line <= c.last_line for c in self.constructs
        )

    @property
    def only_except_tuples(self) -> bool:
        return all(construct.feature == EXCEPT_TUPLE for construct in self.constructs)


# The check, the model index and the import graph each parse a file: scan it once (it is slow).
@functools.lru_cache(maxsize=16)
def scan(source: str | bytes) -> Scan | None:
    """The newer syntax in ``source``; None when libcst cannot parse it (or finds it invalid)."""
    try:
        wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
        finder = _Finder(wrapper.module)
        wrapper.visit(finder)
    # A syntax error, an encoding libcst rejects, or one of its own bugs (it fails on valid
    # implicitly concatenated t-strings): either way the file stays unexplained.
    except Exception:
        return None
    if finder.invalid:
        return None
    return Scan(finder.text, tuple(finder.constructs), tuple(finder.except_tuples))


class _Finder(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self.module = module
        self.text = module.code
        self.lines = io.StringIO(self.text, newline="").readlines()
        self.line_starts = list(itertools.accumulate((len(line) for line in self.lines), initial=0))
        self.constructs: list[Construct] = []
        self.except_tuples: list[ExceptTuple] = []
        self.invalid = False
        self.statements: list[cst.CSTNode] = []  # the enclosing statements, innermost last

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.statements.append(node)

    def leave_SimpleStatementLine(self, _original_node: cst.SimpleStatementLine) -> None:
        self.statements.pop()

    def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
        self._add(node, (3, 12), "type statement")

    def visit_TypeParameters(self, node: cst.TypeParameters) -> None:
        self._add(node, (3, 12), "type parameters")

    def visit_TypeParam(self, node: cst.TypeParam) -> None:
        if node.default is not None:
            self._add(node, (3, 13), "type parameter default")

    def visit_TemplatedString(self, node: cst.TemplatedString) -> None:
        self._add(node, (3, 14), "t-string")

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        # libcst accepts `t"a" "b"`; Python 3.14 does not mix t-strings with other strings.
        parts = {isinstance(part, cst.TemplatedString) for part in _string_parts(node)}
        self.invalid |= len(parts) > 1

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        # PEP 701 (3.12) allowed quotes, backslashes, comments and line breaks in replacement
        # fields: an f-string that the running Python rejects on its own uses them.
        if RUNNING < (3, 12) and not _parses(self.module.code_for_node(node)):
            # Before 3.12 the error may be placed anywhere in the statement (on the closing
            # parenthesis of a call spanning several lines): the construct covers the statement.
            statement = self.statements[-1] if self.statements else node
            self._add(statement, (3, 12), "PEP 701 f-string")

    def visit_Index(self, node: cst.Index) -> None:
        if node.star is not None:
            self._add(node, (3, 11), "`*` in an index")

    def visit_Parameters(self, node: cst.Parameters) -> None:
        star = node.star_arg
        annotation = star.annotation if isinstance(star, cst.Param) else None
        if annotation is not None and isinstance(annotation.annotation, cst.StarredElement):
            self._add(annotation, (3, 11), "`*args: *Ts`")

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._add(node, (3, 11), "except*", last=self._position(node.type).end.line)
        self._except_tuple(node)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._except_tuple(node)

    def _except_tuple(self, node: _ExceptClause) -> None:
        kind = node.type
        if not isinstance(kind, cst.Tuple) or kind.lpar:
            return
        span = self._span(kind)
        if not self._add(node, (3, 14), EXCEPT_TUPLE, last=span[2]):
            return
        commas = [e.comma for e in kind.elements if isinstance(e.comma, cst.Comma)]
        handler = self._position(node).start
        self.except_tuples.append(
            ExceptTuple(
                handler=(handler.line, self._utf8_column(handler.line, handler.column)),
                span=span,
                elements=tuple(self._span(element.value) for element in kind.elements),
                commas=tuple(self._offset(self._position(comma)) for comma in commas),
            )
        )

    def _add(self, node: cst.CSTNode, version: Version, feature: str, last: int = 0) -> bool:
        """Record newer syntax (up to line ``last`` if given); False if this Python has it."""
        if version <= RUNNING:
            return False
        where = self._position(node)
        lines = (where.start.line, last or where.end.line)
        self.constructs.append(Construct(version, feature, *lines))
        return True

    def _position(self, node: cst.CSTNode) -> CodeRange:
        return self.get_metadata(PositionProvider, node)

    def _span(self, node: cst.CSTNode) -> Span:
        where = self._position(node)
        start, end = where.start, where.end
        return (
            start.line,
            self._utf8_column(start.line, start.column),
            end.line,
            self._utf8_column(end.line, end.column),
        )

    def _utf8_column(self, line: int, column: int) -> int:
        return len(self.lines[line - 1][:column].encode("utf-8"))

    def _offset(self, where: CodeRange) -> int:
        return self.line_starts[where.start.line - 1] + where.start.column


def _string_parts(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, cst.ConcatenatedString):
        return [*_string_parts(node.left), *_string_parts(node.right)]
    return [node]


def _parses(expression: str) -> bool:
    try:
        ast.parse(expression, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
