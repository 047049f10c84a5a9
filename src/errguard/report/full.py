"""The default human format, like ruff's ``full``: each finding as a header line
(``path:line:col: CODE [*] message``), the source lines of its span with a caret underline,
and a ``help:`` line with the rule's advice.

The fix marker is the one ``--statistics`` shows: ``[*]`` a safe fix, ``[-]`` an unsafe fix
only; a finding without a fix has none. Source lines are read again from disk (the paths are
relative to the working directory); a file that cannot be read gets no snippet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from errguard.detect.source import SourceError, SourceFile
from errguard.models import Violation
from errguard.report.color import Painter
from errguard.report.statistics import FIX_MARKERS

# Spans longer than this show their first and last lines around a "..." gutter.
MAX_SNIPPET_LINES = 6
HEAD_LINES, TAIL_LINES = 3, 2
# A longer source line is shown as a window around where its underline starts.
MAX_LINE_WIDTH = 160
WINDOW_LEAD = 40
TAB_WIDTH = 4


@dataclass(frozen=True)
class _Row:
    """One source line of a snippet and the columns (0-based, end exclusive) to underline."""

    number: int
    text: str
    underline: tuple[int, int] | None


def _printable(text: str) -> str:
    """The line as a terminal should show it: control and bidi characters replaced one for one
    (so columns keep their place), tabs left for ``_expand``."""
    return "".join(c if c.isprintable() or c == "\t" else "\ufffd" for c in text)


def _expand(text: str, column: int) -> int:
    """Where character ``column`` of ``text`` lands once tabs are expanded."""
    return len(text[:column].expandtabs(TAB_WIDTH))


def _rows(lines: Sequence[str], v: Violation) -> list[_Row]:
    """The span's lines, each with the part of it to underline."""
    last = v.end_line
    if last > v.line and v.end_column == 1:  # the span stops at the start of a line
        last -= 1
    last = min(last, len(lines))
    rows = []
    for number in range(v.line, last + 1):
        text = lines[number - 1].rstrip("\r\n")
        first_char = len(text) - len(text.lstrip())
        start = v.column - 1 if number == v.line else first_char
        end = v.end_column - 1 if number == v.end_line else len(text.rstrip())
        underline = None
        if number in (v.line, last):
            underline = (start, max(end, start + 1))
        rows.append(_Row(number, text, underline))
    if len(rows) > MAX_SNIPPET_LINES:
        rows = [*rows[:HEAD_LINES], _Row(0, "", None), *rows[-TAIL_LINES:]]
    return rows


def _shown(row: _Row) -> tuple[str, tuple[int, int] | None]:
    """The row's text as displayed (tabs expanded, a window when too long) and its underline
    in display columns."""
    text = _printable(row.text)
    underline = row.underline
    if underline is not None:
        underline = (_expand(text, underline[0]), _expand(text, underline[1]))
    text = text.expandtabs(TAB_WIDTH)
    if len(text) <= MAX_LINE_WIDTH:
        return text, underline
    offset = max(0, (underline[0] if underline else 0) - WINDOW_LEAD)
    window = text[offset : offset + MAX_LINE_WIDTH]
    prefix = "…" if offset else ""
    if underline is not None:
        shift = offset - len(prefix)
        underline = (underline[0] - shift, min(underline[1] - shift, len(prefix + window)))
    return f"{prefix}{window}…", underline


def _snippet(rows: Sequence[_Row], paint: Painter) -> list[str]:
    width = len(str(max(row.number for row in rows)))
    gutter = paint(f"{'':>{width}} |", "blue")
    out = [gutter]
    for row in rows:
        if row.number == 0:
            out.append(paint(f"{'...':>{width}}", "blue"))
            continue
        text, underline = _shown(row)
        out.append(f"{paint(f'{row.number:>{width}} |', 'blue')} {text}".rstrip())
        if underline is not None:
            start, end = underline
            out.append(f"{gutter} {' ' * start}{paint('^' * max(end - start, 1), 'red')}")
    out.append(gutter)
    return out


class _Sources:
    """Each file's lines, read once for all its findings."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, path: str) -> list[str] | None:
        if path not in self._lines:
            try:
                self._lines[path] = SourceFile.read(Path(path), path).lines
            except (SourceError, OSError):
                self._lines[path] = None
        return self._lines[path]


def format_finding(v: Violation, lines: Sequence[str] | None, paint: Painter) -> str:
    marker = FIX_MARKERS[v.fix] if v.fix is not None else ""
    header = " ".join(
        part
        for part in (
            f"{paint(f'{v.path}:{v.line}:{v.column}:', 'bold')}",
            paint(v.code, "red"),
            paint(marker, "cyan"),
            paint(v.headline, "bold"),
        )
        if part
    )
    out = [header]
    rows = _rows(lines, v) if lines and v.line <= len(lines) else []
    if rows:
        out.extend(_snippet(rows, paint))
    if v.help:
        indent = " " * (len(str(max(row.number for row in rows))) + 1) if rows else ""
        out.append(f"{indent}{paint('= help:', 'cyan')} {v.help}")
    return "\n".join(out) + "\n"


def render(violations: Sequence[Violation], *, color: bool = False) -> str:
    sources = _Sources()
    paint = Painter(color)
    return "\n".join(format_finding(v, sources.lines(v.path), paint) for v in violations)
