"""``errguard check --add-noqa``: a ``# noqa: EGxxx`` where it silences each finding.

flake8's ``# noqa`` (:mod:`errguard.detect.noqa`) is read on the finding's line widened to a
whole multi-line string or backslash continuation, and a comment can only close that group:
so the codes go at the end of the group's last line. An existing ``# noqa: X`` there gets the
codes merged in (sorted, once each, other tools' codes kept), another comment gets the
directive appended (``# type: ignore  # noqa: EG101``: pragmas that must open the comment
stay first). A finding no comment there can silence (an earlier ``# noqa: X`` inside a string
governs the line) is named and left alone, and a file is written only when it still parses.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from errguard.astutil import parse_or_none
from errguard.detect.engine import PARSE_ERROR_CODE
from errguard.detect.noqa import CODE_SEPARATOR, LogicalLines, is_suppressed
from errguard.detect.source import SourceError, SourceFile
from errguard.models import Violation

_BLANKS = " \t"


@dataclass
class Added:
    """What ``--add-noqa`` did, for the run's report."""

    directives: int = 0  # lines that got codes
    findings: int = 0  # findings those codes silence
    files: int = 0
    left: list[str] = field(default_factory=list)  # findings that could not be silenced
    errors: list[str] = field(default_factory=list)  # files that could not be written

    def report(self, err: TextIO, *, quiet: bool) -> None:
        for finding in self.left:
            print(f"errguard: note: no noqa added for {finding}", file=err)
        for error in self.errors:
            print(f"errguard: error: {error}", file=err)
        if not quiet:
            print(
                f"Added {_count(self.directives, 'noqa directive')} for "
                f"{_count(self.findings, 'finding')} in {_count(self.files, 'file')}.",
                file=err,
            )


def add_noqa(findings: Mapping[Path, Sequence[Violation]], *, skip_symlinks: bool) -> Added:
    """Write the directives that silence ``findings`` (by file) into their files."""
    from errguard.fixer import write_atomic

    added = Added()
    for path, violations in findings.items():
        if not violations:
            continue
        if skip_symlinks and os.path.islink(path):
            added.left.extend(
                f"{_where(v)}: a symbolic link (fix-symlinks = skip)" for v in violations
            )
            continue
        try:
            source = SourceFile.read(path, violations[0].path)
            text, lines, silenced = with_directives(source, violations, added.left)
            if silenced:
                write_atomic(path, text, source.encoding, source.data)
        except (OSError, SourceError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            added.errors.append(f"{violations[0].path}: noqa not written: {reason}")
            continue
        if silenced:
            added.files += 1
            added.directives += lines
            added.findings += silenced
    return added


def with_directives(
    source: SourceFile, violations: Iterable[Violation], left: list[str]
) -> tuple[str, int, int]:
    """The file's text with the directives, the lines changed and the findings they silence;
    what cannot be silenced is appended to ``left``."""
    logical = LogicalLines(source.text, source.lines)
    by_group: defaultdict[tuple[int, int], list[Violation]] = defaultdict(list)
    for violation in violations:
        group = logical.group(violation.line)
        if group is None or violation.code == PARSE_ERROR_CODE:
            left.append(f"{_where(violation)}: the file does not parse")
        else:
            by_group[group].append(violation)
    lines = list(source.lines)
    changed = silenced = 0
    for (first, last), found in sorted(by_group.items()):
        new_line = _line_with(logical, last, {v.code for v in found})
        group_text = "".join(lines[first - 1 : last - 1]) + new_line
        if not all(is_suppressed(v.code, group_text) for v in found):
            left.extend(f"{_where(v)}: an earlier `# noqa` in a string governs it" for v in found)
            continue
        changed += new_line != lines[last - 1]
        silenced += len(found)
        lines[last - 1] = new_line
    text = "".join(lines)
    if not changed:
        return source.text, 0, 0
    if parse_or_none(text) is None:  # never expected: a comment went astray
        left.extend(f"{_where(v)}: adding the comment would break the file" for v in violations)
        return source.text, 0, 0
    return text, changed, silenced


def _line_with(logical: LogicalLines, line: int, codes: set[str]) -> str:
    """Physical line ``line`` (a group's last) with a directive listing ``codes``."""
    text = logical.lines[line - 1]
    body = text.rstrip("\r\n")
    ending = text[len(body) :]
    directive = logical.directive(line)
    if directive is None:
        codes_text = CODE_SEPARATOR.join(sorted(codes))
        return f"{body.rstrip(_BLANKS)}  # noqa: {codes_text}{ending}"
    if not directive.codes:  # a blanket noqa silences everything already
        return text
    merged = directive.listing(sorted({*directive.codes, *codes}))
    column = directive.column
    return f"{body[:column]}{merged}{body[column + len(directive.comment) :]}{ending}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _where(violation: Violation) -> str:
    return f"{violation.path}:{violation.line}: {violation.code}"
