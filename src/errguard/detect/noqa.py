"""``# noqa`` handling with flake8's exact semantics, so the CLI and the plugin agree.

flake8 looks for the comment on the finding's physical line, widened to every line of a
multi-line string or a backslash-continued line (not a bracketed continuation), accepts
``# noqa`` anywhere in that text, and treats listed codes as prefixes. A ``# flake8: noqa``
(or ``# errguard: noqa``) line on its own skips the whole file.

The tools that write and prune these comments (``check --add-noqa``, EG002) read them here too:
:class:`LogicalLines` says which comment governs a line, :class:`Directive` rewrites its codes.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from errguard.models import Violation

# Copied from flake8.defaults so that both front ends accept exactly the same comments.
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# (?:flake8|errguard)[:=]\s*noqa", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,\s]")
# How ``--add-noqa`` writes a list, and how EG002 joins what it keeps of one.
CODE_SEPARATOR = ", "


def file_is_exempt(lines: Iterable[str]) -> bool:
    return any(NOQA_FILE.match(line) for line in lines)


def split_codes(codes_text: str) -> list[str]:
    return [part.strip() for part in _SEPARATORS.split(codes_text) if part.strip()]


def is_suppressed(code: str, line_text: str) -> bool:
    match = NOQA_INLINE.search(line_text)
    if match is None:
        return False
    codes_text = match.group("codes")
    if codes_text is None:
        return True
    codes = set(split_codes(codes_text))
    return code in codes or code.startswith(tuple(codes))


@dataclass(frozen=True)
class Directive:
    """A ``# noqa`` in a comment token: the comment, where it stands, what it lists.

    ``start``/``end`` delimit the directive inside ``comment`` (the code list included, with
    the separators after it); ``codes`` is empty for a bare ``# noqa``.
    """

    line: int
    column: int  # the comment's 0-based character column
    comment: str
    start: int
    end: int
    head: str  # the directive as written up to its first code (noqa, colon, space)
    codes: tuple[str, ...]

    @classmethod
    def in_comment(cls, line: int, column: int, comment: str) -> Directive | None:
        match = NOQA_INLINE.search(comment)
        if match is None:
            return None
        codes_text = match.group("codes")
        if codes_text is None:
            return cls(line, column, comment, match.start(), match.end(), match.group(), ())
        head = comment[match.start() : match.start("codes")]
        codes = tuple(split_codes(codes_text))
        return cls(line, column, comment, match.start(), match.end(), head, codes)

    def listing(self, codes: Sequence[str]) -> str:
        """The comment with ``codes`` as its list; without the directive when ``codes`` is
        empty (never a bare ``# noqa``, which would silence everything), keeping the text
        around it: ``# type: ignore  # noqa: EG101  # why`` -> ``# type: ignore  # why``."""
        before, after = self.comment[: self.start], self.comment[self.end :]
        if codes:
            tail = self.comment[self.start : self.end]
            gap = tail[len(tail.rstrip(", \t")) :].replace(",", "")
            return f"{before}{self.head}{CODE_SEPARATOR.join(codes)}{gap}{after}"
        before, after = before.rstrip(), after.strip()
        if after and not after.startswith("#"):
            after = f"# {after}"
        return "  ".join(part for part in (before, after) if part)


class LogicalLines:
    """A file's lines grouped as flake8 groups them for ``# noqa``, and its comments.

    A group ends at each NL or NEWLINE token, so it is one physical line except for a
    multi-line string or a backslash continuation. A comment can only stand at the end of a
    group, so a group has at most one. Empty when the file does not tokenize.
    """

    def __init__(self, text: str, lines: Sequence[str]) -> None:
        self.lines = lines
        self._groups: dict[int, tuple[int, int]] = {}
        self._comments: dict[int, tuple[int, str]] = {}
        try:
            self._scan(text)
        except (tokenize.TokenError, SyntaxError):
            self._groups.clear()
            self._comments.clear()

    def _scan(self, text: str) -> None:
        first, last = len(self.lines) + 2, -1
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            if token.type == tokenize.COMMENT:
                self._comments[token.start[0]] = (token.start[1], token.string)
            first, last = min(first, token.start[0]), max(last, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                self._groups.update(dict.fromkeys(range(first, last + 1), (first, last)))
                first, last = len(self.lines) + 2, -1

    def group(self, line: int) -> tuple[int, int] | None:
        """The first and last physical line of the group holding ``line``."""
        return self._groups.get(line)

    def text(self, line: int) -> str | None:
        """The text ``# noqa`` is looked for in: the group's, else the physical line's."""
        group = self._groups.get(line)
        if group is not None:
            return "".join(self.lines[group[0] - 1 : group[1]])
        return self.lines[line - 1] if 0 < line <= len(self.lines) else None

    def comment(self, line: int) -> tuple[int, str] | None:
        """(0-based column, text) of the comment ending the group of ``line``."""
        group = self._groups.get(line)
        return None if group is None else self._comments.get(group[1])

    def directive(self, line: int) -> Directive | None:
        """The ``# noqa`` that governs ``line`` when it is in the group's comment (flake8 takes
        the first in the group's text, which may be inside a string instead)."""
        group, comment = self._groups.get(line), self.comment(line)
        text = self.text(line)
        if group is None or comment is None or text is None:
            return None
        match = NOQA_INLINE.search(text)
        column, comment_text = comment
        comment_offset = len(text) - len(self.lines[group[1] - 1]) + column
        if match is None or match.start() < comment_offset:
            return None
        return Directive.in_comment(group[1], column, comment_text)

    def directives(self) -> Iterator[Directive]:
        """Every governing ``# noqa`` in a comment, in file order."""
        for line in sorted(self._comments):
            directive = self.directive(line)
            if directive is not None:
                yield directive


def filter_noqa(violations: list[Violation], text: str, lines: list[str]) -> list[Violation]:
    """Drop the findings a ``# noqa`` comment suppresses."""
    if not violations or "noqa" not in text.lower():
        return violations
    if file_is_exempt(lines):
        return []
    logical = LogicalLines(text, lines)
    kept = []
    for violation in violations:
        line_text = logical.text(violation.line)
        if line_text is None or not is_suppressed(violation.code, line_text):
            kept.append(violation)
    return kept
