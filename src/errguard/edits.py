"""Text edits: build minimal edits, apply them, and show them as a diff.

Fixes become small text edits so that independent fixes in one file can be merged (and shown
in JSON and SARIF) the way ruff does it.
"""

from __future__ import annotations

import bisect
import difflib
import io
from collections.abc import Iterable, Sequence

from errguard.models import Edit


class OverlappingEdits(ValueError):
    """Two edits touch the same text."""


def _lines(text: str) -> list[str]:
    return io.StringIO(text, newline="").readlines()


class LineIndex:
    """Converts between string offsets and 1-based (line, column) positions."""

    def __init__(self, text: str) -> None:
        self.lines = _lines(text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.length = len(text)

    def offset(self, line: int, column: int) -> int:
        if line - 1 >= len(self.starts):
            return self.length
        return min(self.starts[line - 1] + column - 1, self.length)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        line = min(line, len(self.starts) - 1)
        return line + 1, offset - self.starts[line] + 1


def replacement_edit(text: str, index: LineIndex, start: int, end: int, new: str) -> Edit | None:
    """The edit replacing ``text[start:end]`` by ``new``, trimmed to the characters that change."""
    old = text[start:end]
    if old == new:
        return None
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old[prefix:], new[prefix:])
    line, column = index.position(start + prefix)
    end_line, end_column = index.position(end - suffix)
    return Edit(new[prefix : len(new) - suffix], line, column, end_line, end_column)


def _common_prefix(a: str, b: str) -> int:
    size = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        size += 1
    return size


def _common_suffix(a: str, b: str) -> int:
    size = 0
    for left, right in zip(reversed(a), reversed(b), strict=False):
        if left != right:
            break
        size += 1
    return size


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits, all positioned against ``text``."""
    index = LineIndex(text)
    spans = sorted(
        (index.offset(e.line, e.column), index.offset(e.end_line, e.end_column), e.content)
        for e in edits
    )
    pieces, cursor = [], 0
    for start, end, content in spans:
        if start < cursor:
            raise OverlappingEdits(f"edit at offset {start} overlaps the previous one")
        pieces.append(text[cursor:start])
        pieces.append(content)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def overlaps(a: Sequence[Edit], b: Sequence[Edit]) -> bool:
    """Whether any edit of ``a`` touches text that an edit of ``b`` touches."""
    spans_a = [((e.line, e.column), (e.end_line, e.end_column)) for e in a]
    for edit in b:
        start, end = (edit.line, edit.column), (edit.end_line, edit.end_column)
        for other_start, other_end in spans_a:
            if start <= other_end and other_start <= end:
                return True
    return False


def unified_diff(old: str, new: str, path: str) -> str:
    return "".join(
        difflib.unified_diff(_lines(old), _lines(new), fromfile=f"a/{path}", tofile=f"b/{path}")
    )
