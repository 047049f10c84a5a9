"""``# noqa`` handling with flake8's exact semantics, so the CLI and the plugin agree.

flake8 looks for the comment on the finding's physical line, widened to every line of a
multi-line string or a backslash-continued line (not a bracketed continuation), accepts
``# noqa`` anywhere in that text, and treats listed codes as prefixes. A ``# flake8: noqa``
(or ``# errguard: noqa``) line on its own skips the whole file.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable

from errguard.models import Violation

# Copied from flake8.defaults so that both front ends accept exactly the same comments.
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# (?:flake8|errguard)[:=]\s*noqa", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,\s]")


def file_is_exempt(lines: Iterable[str]) -> bool:
    return any(NOQA_FILE.match(line) for line in lines)


def logical_line_map(text: str, lines: list[str]) -> dict[int, str]:
    """Line number -> the text of the whole logical line it belongs to (flake8's mapping)."""
    mapping: dict[int, str] = {}
    first, last = len(lines) + 2, -1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first, last = min(first, token.start[0]), max(last, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                joined = "".join(lines[first - 1 : last])
                mapping.update(dict.fromkeys(range(first, last + 1), joined))
                first, last = len(lines) + 2, -1
    except (tokenize.TokenError, SyntaxError):
        return {}
    return mapping


def is_suppressed(code: str, line_text: str) -> bool:
    match = NOQA_INLINE.search(line_text)
    if match is None:
        return False
    codes_text = match.group("codes")
    if codes_text is None:
        return True
    codes = {part.strip() for part in _SEPARATORS.split(codes_text) if part.strip()}
    return code in codes or code.startswith(tuple(codes))


def filter_noqa(violations: list[Violation], text: str, lines: list[str]) -> list[Violation]:
    """Drop the findings a ``# noqa`` comment suppresses."""
    if not violations or "noqa" not in text.lower():
        return violations
    if file_is_exempt(lines):
        return []
    mapping = logical_line_map(text, lines)
    kept = []
    for violation in violations:
        line_text = mapping.get(violation.line)
        if line_text is None and 0 < violation.line <= len(lines):
            line_text = lines[violation.line - 1]
        if line_text is None or not is_suppressed(violation.code, line_text):
            kept.append(violation)
    return kept
