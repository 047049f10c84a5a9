"""Internals that must not reach clients: tracebacks, source paths, SQL and database errors,
exception reprs and lines, secrets (the detectors are in ``leak_patterns``).

Every string of the scanned fields is scanned, and so is every object key: a key is text the
client sees too (``{"SELECT * FROM shop_order": ...}``). A string under a credential's name
(``{"password": "hunter2"}``, ``api_key``, ``client_secret``, ``access_token``) is a secret
when it looks like one, whatever its shape. Secrets are shown redacted in failure
messages, also where a secret key is part of a field path, so test output does not spread them.
"""

from __future__ import annotations

import bisect
import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from errguard.envelopes.problems import Problem

if TYPE_CHECKING:
    from errguard.envelopes.leak_patterns import Detector

LEAK_KINDS = ("traceback", "source-path", "sql", "exception-repr", "secret")


@dataclass(frozen=True)
class Leak:
    kind: str
    description: str
    text: str  # the matched text, as it is in the response
    shown: str  # what a failure message may print (secrets redacted)
    start: int
    end: int


@cache
def _detectors() -> tuple[Detector, ...]:
    """The detectors, compiled on first use: the pytest plugin imports this module in every
    run, most of which never scan a response."""
    from errguard.envelopes.leak_patterns import OTHERS, SECRETS

    # Order matters: where matches overlap, the earlier detector's finding is the one reported.
    return (*SECRETS, *OTHERS)


def find_leaks(text: str) -> list[Leak]:
    """Every leak in ``text``; where two findings overlap, only the first detector's counts."""
    found: list[Leak] = []  # disjoint and sorted by start, so their ends are sorted too
    for detector in _detectors():
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


def leak_problems(
    envelope: dict[str, object], fields: Sequence[str] | None, policy: LeakPolicy
) -> list[Problem]:
    """One problem per field (or key) and kind of leak; ``fields=None`` scans the whole envelope.

    A field path names object members by their keys, with any secret in a key redacted; a leak
    in a key is reported as ``<path of its object> (a key)`` and allowed by the globs that
    allow the member it names.
    """
    scanned = envelope if fields is None else {k: envelope[k] for k in fields if k in envelope}
    problems: list[Problem] = []
    _scan(scanned, "", policy, problems)
    return problems


def _scan(value: object, path: str, policy: LeakPolicy, problems: list[Problem]) -> None:
    if isinstance(value, str):
        problems += _problems(find_leaks(value), path, path, policy)
    elif isinstance(value, dict):
        from errguard.envelopes.leak_patterns import is_secret_name  # as in _detectors

        for key, item in value.items():
            name = str(key)
            leaks = find_leaks(name)
            shown = _redacted(name, leaks)
            child = f"{path}.{shown}" if path else shown
            problems += _problems(leaks, f"{path} (a key)" if path else "a key", child, policy)
            if isinstance(item, str) and is_secret_name(name):
                problems += _problems(_named_secret(item), child, child, policy)
            else:
                _scan(item, child, policy, problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _scan(item, f"{path}[{index}]", policy, problems)


def _named_secret(value: str) -> list[Leak]:
    """The leaks in a value under a credential's name (``{"password": "hunter2"}``): what
    the value itself shows, else the whole value when it looks like a credential."""
    from errguard.envelopes.leak_patterns import NAMED_SECRET, looks_like_a_secret

    leaks = find_leaks(value)
    if any(leak.kind == "secret" for leak in leaks) or not looks_like_a_secret(value):
        return leaks
    return [*leaks, Leak("secret", f"a secret ({NAMED_SECRET})", value, "****", 0, len(value))]


def _problems(leaks: list[Leak], subject: str, path: str, policy: LeakPolicy) -> list[Problem]:
    reported: set[str] = set()
    problems = []
    for leak in leaks:
        if leak.description in reported or policy.allows(leak, path):
            continue
        reported.add(leak.description)
        problems.append(Problem(subject, f"leaks {leak.description}", leak.shown))
    return problems


def _redacted(text: str, leaks: list[Leak]) -> str:
    """``text`` with each secret in it replaced by its redacted form."""
    parts, position = [], 0
    for leak in leaks:  # sorted and disjoint
        if leak.kind == "secret":
            parts += [text[position : leak.start], leak.shown]
            position = leak.end
    return "".join(parts) + text[position:]
