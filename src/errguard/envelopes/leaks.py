"""Internals that must not reach clients: tracebacks, source paths, SQL, exception reprs, secrets.

Every detector is an anchored regular expression written for precision: ordinary messages such
as "Order 12 not found", "Please select one from the list" or "File 'a.csv' is too large" never
match. Secrets are shown redacted in failure messages, so test output does not spread them.
"""

from __future__ import annotations

import bisect
import fnmatch
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from errguard.envelopes.problems import Problem

_IDENTIFIER = r"""(?:"[^"\n]{1,128}"|`[^`\n]{1,128}`|\[[^\]\n]{1,128}\]|[A-Za-z_][\w$]{0,127})"""
_NAME = rf"{_IDENTIFIER}(?:\.(?:{_IDENTIFIER}|\*)){{0,4}}"
# A name with a mark English words do not have: quotes, brackets or a dot between parts.
_MARKED_NAME = rf"""(?=[`"\[]|[A-Za-z_][\w$]*\.[A-Za-z_`"\[]){_NAME}"""
_COLUMN = rf"(?:\*|\w+\([^()\n]{{0,128}}\)|{_NAME})(?:\s+AS\s+{_IDENTIFIER})?"
_COLUMNS = rf"{_COLUMN}(?:\s*,\s*{_COLUMN})*"
# A condition: a comparison operator, or IS [NOT] NULL, IN (, LIKE '…, BETWEEN … AND.
_CONDITION = (
    rf"\s+WHERE\s+{_NAME}(?:\s*(?:=|<>|!=|<=|>=|<|>)"
    r"|\s+(?:IS\s+(?:NOT\s+)?NULL\b|IN\s*\(|LIKE\s+['\"%?:$]|BETWEEN\s+\S+\s+AND\b))"
)
# What follows the table of a real query: a condition, a join, an ordering or a limit.
_CLAUSE = (
    rf"{_CONDITION}"
    rf"|\s+(?:(?:INNER|LEFT|RIGHT|FULL|CROSS|OUTER)\s+)*JOIN\s+{_NAME}"
    rf"(?:\s+(?:AS\s+)?{_IDENTIFIER})?\s+(?:ON|USING)\b"
    rf"|\s+(?:ORDER|GROUP)\s+BY\s+{_NAME}|\s+LIMIT\s+\d+|\s*;"
)


def _sql() -> re.Pattern[str]:
    select = (
        rf"\bSELECT\s+(?:DISTINCT\s+)?(?P<columns>{_COLUMNS})\s+FROM\s+(?P<table>{_NAME})"
        rf"(?P<tail>{_CLAUSE})?"
    )
    insert = (
        rf"\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+{_NAME}\s*(?:\(\s*{_NAME}(?:\s*,\s*{_NAME})*\s*\)\s*)?"
        rf"(?:VALUES\s*\(|SELECT\s+{_COLUMNS}\s+FROM\b|DEFAULT\s+VALUES\b)"
    )
    update = rf"\bUPDATE\s+{_NAME}\s+SET\s+{_NAME}\s*="
    delete = rf"\bDELETE\s+FROM\s+(?:{_MARKED_NAME}|{_NAME}(?:{_CONDITION}|\s*;))"
    return re.compile(f"{select}|{insert}|{update}|{delete}", re.IGNORECASE)


_SQL = _sql()


def _is_sql(match: re.Match[str]) -> bool:
    """A SELECT needs a sign of SQL: ``*``, a quoted or dotted name, a call, or a clause."""
    if match.group("columns") is None:
        return True  # INSERT, UPDATE or DELETE: their patterns are specific enough
    columns, table = match.group("columns"), match.group("table")
    return bool(
        match.group("tail") or re.search(r"[*\"`\[.(]", columns) or re.search(r"[\"`\[.]", table)
    )


def _first_chars(match: re.Match[str]) -> str:
    return f"{match.group(0)[:12]}…"


def _masked_password(match: re.Match[str]) -> str:
    return f"{match.group('before')}****{match.group('after')}"


def _whole(match: re.Match[str]) -> str:
    return match.group(0)


@dataclass(frozen=True)
class _Detector:
    kind: str
    description: str
    pattern: re.Pattern[str]
    shown: Callable[[re.Match[str]], str] = _whole
    accept: Callable[[re.Match[str]], bool] = bool  # a match is truthy: every match counts


_SECRET = "a secret"
# Order matters: where matches overlap, the earlier detector's finding is the one reported.
_DETECTORS = (
    _Detector(
        "secret",
        f"{_SECRET} (API key)",
        re.compile(r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,}\b"),
        _first_chars,
    ),
    _Detector(
        "secret",
        f"{_SECRET} (Bearer token)",
        re.compile(r"\bBearer\s+(?=[\w\-.~+/]*\d)[\w\-.~+/]{16,}=*", re.IGNORECASE),
        _first_chars,
    ),
    _Detector(
        "secret",
        f"{_SECRET} (private key)",
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
    ),
    _Detector(
        "secret",
        f"{_SECRET} (password in a URL)",
        re.compile(
            r"(?P<before>\b[a-z][a-z0-9+.\-]{0,30}://[^\s/:@]*:)"
            r"(?!(?:\*+|x+|X+|<[^>\s]*>|\{[^}\s]*\}|\$\{?\w+\}?)@)[^\s/@]+"
            r"(?P<after>@[\w.\-]+)",
        ),
        _masked_password,
    ),
    _Detector(
        "secret",
        f"{_SECRET} (AWS access key)",
        re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        _first_chars,
    ),
    _Detector(
        "secret",
        f"{_SECRET} (GitHub token)",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})\b"),
        _first_chars,
    ),
    _Detector(
        "traceback",
        "a Python traceback",
        re.compile(r"Traceback \(most recent call last\):|\bFile \"[^\"\n]+\", line \d+"),
    ),
    _Detector("sql", "an SQL statement", _SQL, accept=_is_sql),
    _Detector(
        "exception-repr",
        "an exception repr",
        re.compile(
            r"\bErrorDetail\(string=(?:[^()\n]|\([^()\n]*\))*\)?"
            r"|\b(?:[A-Za-z_]\w*\.){0,8}(?:[A-Z]\w*(?:Error|Exception|Warning|Exit|Interrupt)"
            r"|DoesNotExist|MultipleObjectsReturned|StopIteration)\((?:\)|[bru]?['\"]|-?\d|[<\[{])"
            r"(?:[^()\n]|\([^()\n]*\))*\)?"
        ),
    ),
    _Detector(
        "source-path",
        "a source file path",
        re.compile(
            r"(?<![\w.~:/\\-])/(?:[\w.@+\-]+/)+[\w.@+\-]+\.py[cw]?\b"
            r"|\b[A-Za-z]:\\(?:[^\\\s:*?\"<>|]+\\)+[^\\\s:*?\"<>|]+\.py[cw]?\b"
        ),
    ),
)
LEAK_KINDS = ("traceback", "source-path", "sql", "exception-repr", "secret")


@dataclass(frozen=True)
class Leak:
    kind: str
    description: str
    text: str  # the matched text, as it is in the response
    shown: str  # what a failure message may print (secrets redacted)
    start: int
    end: int


def find_leaks(text: str) -> list[Leak]:
    """Every leak in ``text``; where two findings overlap, only the first detector's counts."""
    found: list[Leak] = []  # disjoint and sorted by start, so their ends are sorted too
    for detector in _DETECTORS:
        for match in detector.pattern.finditer(text):
            start, end = match.span()
            index = bisect.bisect_left(found, end, key=lambda leak: leak.start)
            if not detector.accept(match) or (index and found[index - 1].end > start):
                continue
            leak = Leak(
                detector.kind,
                detector.description,
                match.group(0),
                detector.shown(match),
                start,
                end,
            )
            found.insert(index, leak)
    return found


@dataclass(frozen=True)
class LeakPolicy:
    """What the scan leaves alone: matching text, field paths, whole kinds of leak."""

    allow: tuple[re.Pattern[str], ...] = ()
    allow_fields: tuple[str, ...] = ()
    allow_kinds: frozenset[str] = frozenset()

    def allows(self, leak: Leak, path: str) -> bool:
        return (
            leak.kind in self.allow_kinds
            or any(fnmatch.fnmatchcase(path, pattern) for pattern in self.allow_fields)
            or any(pattern.search(leak.text) for pattern in self.allow)
        )


def strings_in(value: object, path: str) -> Iterator[tuple[str, str]]:
    """``(path, string)`` for every string in a JSON value, paths like ``details.items[0].sku``."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_in(item, f"{path}[{index}]")


def leak_problems(
    envelope: dict[str, object], fields: Sequence[str] | None, policy: LeakPolicy
) -> list[Problem]:
    """One problem per field and kind of leak; ``fields=None`` scans the whole envelope."""
    scanned = envelope if fields is None else {k: envelope[k] for k in fields if k in envelope}
    problems: list[Problem] = []
    for path, text in strings_in(scanned, ""):
        reported: set[str] = set()
        for leak in find_leaks(text):
            if leak.description in reported or policy.allows(leak, path):
                continue
            reported.add(leak.description)
            problems.append(Problem(path, f"leaks {leak.description}", leak.shown))
    return problems
