"""What identifies a finding across edits: its rule, its file, the classes and functions around
it, and the code it flags with layout normalised away. Never its line or column.

The flagged code is the smallest syntax node that covers the finding's span, written back out by
``ast.unparse``: indentation, line breaks, quotes, redundant parentheses, trailing commas and
comments do not reach it. A compound statement (``except:``, ``for ...:``, ``with ...:``) counts
by its header only, so edits inside its body leave the finding alone.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from errguard.astutil import parse_or_none
from errguard.detect.source import SourceError, SourceFile
from errguard.models import Violation

# The fields of a compound statement that hold its body: left out of its normalised form.
_BODY_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
_SCOPES = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_STATEMENTS = (ast.stmt, ast.excepthandler)
# Enough to tell findings apart in any real baseline, short enough to read in a diff.
_DIGEST_LENGTH = 16
# What ``fix`` leaves alone in one file, the baseline's findings there: how many of each
# (code, scope, fingerprint).
Baselined = Counter[tuple[str, str, str]]
# (line, UTF-8 byte column), as ``ast`` gives positions.
Position = tuple[int, int]


@dataclass(frozen=True, order=True)
class Identity:
    """A finding as a baseline records it."""

    code: str
    path: str
    """Relative to the project root, with ``/`` separators."""
    scope: str
    """The enclosing classes and functions, dotted (``OrderView.get``); empty at module level."""
    fingerprint: str
    """A digest of the rule code and the normalised flagged code."""
    context: str
    """A digest of the normalised statement around the flagged code: which of several
    findings with one fingerprint is which, when the scope does not tell."""

    @property
    def in_file(self) -> tuple[str, str, str]:
        """What tells it apart from the other findings of its file."""
        return self.code, self.scope, self.fingerprint


def relative_path(path: str | Path, root: Path) -> str:
    """``path`` (absolute, or relative to the working directory) relative to ``root``."""
    return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()


def identify_source(
    violations: Sequence[Violation], source: SourceFile, tree: ast.Module | None, root: Path
) -> list[Identity]:
    """The identity of each of the file ``source``'s ``violations``; ``tree`` when it is
    parsed already, ``root`` the project root."""
    try:
        lines = source.lines
    except SourceError:  # undecodable: an EG001 finding, identified by its rule and file
        lines = []
    if tree is None and lines:
        tree = parse_or_none(source.data)
    return identify(violations, lines, tree, relative_path(source.path, root))


def not_baselined(
    violations: Sequence[Violation], source: SourceFile, baselined: Baselined
) -> list[Violation]:
    """``violations`` of the file ``source`` without the ones ``baselined`` counts."""
    left = Counter(baselined)
    kept = []
    identities = identify_source(violations, source, None, Path())
    for violation, identity in zip(violations, identities, strict=True):
        if left[identity.in_file] > 0:
            left[identity.in_file] -= 1
        else:
            kept.append(violation)
    return kept


def identify(
    violations: Sequence[Violation], lines: Sequence[str], tree: ast.Module | None, path: str
) -> list[Identity]:
    """The identity of each of one file's ``violations``, in order.

    ``lines`` is the file's text (lines with their ends), ``tree`` its syntax tree (None when it
    does not parse), ``path`` its path relative to the project root.
    """
    identities = []
    for violation in violations:
        start = _byte_position(lines, violation.line, violation.column)
        end = _byte_position(lines, violation.end_line, violation.end_column)
        found = _locate(tree, start, end) if tree is not None else _Found(None, (), None)
        code = _normalised(found.node) if found.node is not None else None
        if code is None:
            code = _flagged_text(lines, violation)
        statement = _normalised(found.statement) if found.statement is not None else None
        identities.append(
            Identity(
                violation.code,
                path,
                ".".join(found.scope),
                _digest(f"{violation.code}\n{code}"),
                _digest(statement or ""),
            )
        )
    return identities


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:_DIGEST_LENGTH]


def _byte_position(lines: Sequence[str], line: int, column: int) -> Position:
    """A 1-based character column as ``ast`` counts it: UTF-8 bytes from the line's start."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return line, len(text[: column - 1].encode("utf-8"))


@dataclass(frozen=True)
class _Found:
    node: ast.AST | None
    """The smallest node covering the span; None when only the module does."""
    scope: tuple[str, ...]
    """The names of the classes and functions it is in."""
    statement: ast.AST | None
    """The innermost statement the node is in (not the node itself)."""


def _locate(tree: ast.Module, start: Position, end: Position) -> _Found:
    node: ast.AST = tree
    scope: list[str] = []
    statement: ast.AST | None = None
    while True:
        children = list(_positioned_children(node))
        child = next((c for c in children if _covers(c, start, end)), None)
        if child is None:
            return _Found(None if node is tree else node, tuple(scope), statement)
        if isinstance(node, _SCOPES):
            scope.append(node.name)
        if isinstance(node, _STATEMENTS):
            statement = node
        node = child


def _positioned_children(node: ast.AST) -> Iterator[ast.AST]:
    """Children with a position; those without one (``arguments``, ``comprehension``,
    ``withitem``, ``match_case``) stand aside for their own children."""
    for child in ast.iter_child_nodes(node):
        if hasattr(child, "lineno"):
            yield child
        else:
            yield from _positioned_children(child)


def _extent(node: ast.AST) -> tuple[Position, Position] | None:
    end_line = getattr(node, "end_lineno", None)
    end_column = getattr(node, "end_col_offset", None)
    if end_line is None or end_column is None:
        return None
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0)), (end_line, end_column)


def _covers(node: ast.AST, start: Position, end: Position) -> bool:
    extent = _extent(node)
    return extent is not None and extent[0] <= start and extent[1] >= end


def _normalised(node: ast.AST) -> str | None:
    """The node as ``ast.unparse`` writes it, a compound statement without its body."""
    header = copy.copy(node)
    for name in _BODY_FIELDS:
        if isinstance(getattr(header, name, None), list):
            setattr(header, name, [])
    try:
        return ast.unparse(header)
    except (RecursionError, ValueError, AttributeError):
        return None


def _flagged_text(lines: Sequence[str], violation: Violation) -> str:
    """The text of the finding's span, its whitespace collapsed: for a file that does not
    parse, or a span no single node covers."""
    text = "".join(lines[violation.line - 1 : violation.end_line])
    return " ".join(text.split())
