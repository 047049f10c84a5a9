"""Text edits: derive the minimal edits between two versions of a file, and apply edits.

Fixers rewrite a whole libcst module; turning the result into small edits lets independent
fixes in one file be merged (and shown in JSON/SARIF) the way ruff does it.
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
        self.starts = [0]
        for line in _lines(text):
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


def diff_edits(old: str, new: str) -> tuple[Edit, ...]:
    """The smallest set of line-block edits (trimmed to characters) turning ``old`` into ``new``."""
    if old == new:
        return ()
    old_lines, new_lines = _lines(old), _lines(new)
    index = LineIndex(old)
    edits = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = index.starts[i1] if i1 < len(index.starts) else len(old)
        end = index.starts[i2] if i2 < len(index.starts) else len(old)
        removed, added = old[start:end], "".join(new_lines[j1:j2])
        prefix = _common_prefix(removed, added)
        suffix = _common_suffix(removed[prefix:], added[prefix:])
        content = added[prefix : len(added) - suffix]
        line, column = index.position(start + prefix)
        end_line, end_column = index.position(end - suffix)
        edits.append(Edit(content, line, column, end_line, end_column))
    return tuple(edits)


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
