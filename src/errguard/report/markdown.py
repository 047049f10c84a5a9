"""Markdown (the rule pages ``errguard explain`` prints) made readable on a terminal.

Covers what the generated rule pages use: headings, fenced code blocks, bold, inline code,
links and lists. Headings lose their ``#``, code blocks their fences (indented instead), and
styles become ANSI colours when colour is on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from errguard.report.color import Painter

CODE_INDENT = "    "
_FENCE = re.compile(r"^\s*```")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def _inline(text: str, paint: Painter) -> str:
    text = _LINK.sub(lambda m: f"{m[1]} ({m[2]})", text)
    if paint.enabled:  # without colour the backticks are what marks code
        text = _CODE.sub(lambda m: paint(m[1], "cyan"), text)
    return _BOLD.sub(lambda m: paint(m[1], "bold"), text)


def _lines(markdown: str, paint: Painter) -> Iterator[str]:
    in_code = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            yield paint(f"{CODE_INDENT}{line}", "green") if line else ""
            continue
        heading = _HEADING.match(line)
        if heading is None:
            yield _inline(line, paint)
        elif len(heading[1]) == 1:
            title = _inline(heading[2], paint)
            yield paint(title, "underline") if paint.enabled else f"{title}\n{'=' * len(title)}"
        else:
            title = _inline(heading[2], paint)
            yield paint(title, "bold") if paint.enabled else f"{title}\n{'-' * len(title)}"


def render(markdown: str, *, color: bool) -> str:
    return "".join(f"{line}\n" for line in _lines(markdown, Painter(color)))
