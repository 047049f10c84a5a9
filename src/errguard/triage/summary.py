"""The failures of a session grouped into root causes, as terminal lines and as JSON."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from errguard.triage.fingerprint import Failure, Signature

NEW = "new"
STILL_FAILING = "still failing"
FAILING_AGAIN = "failing again"
"""Failed in an earlier run, was fixed (its tests passed), and fails again: flaky."""
SHOWN_TESTS = 3
PHASES = (" (setup)", " (teardown)")
"""Suffixes of a test that failed outside its call phase: ``test_x (setup)``."""


@dataclass
class Cause:
    """Every failure with one fingerprint."""

    signature: Signature
    tests: list[str] = field(default_factory=list)
    status: str = NEW
    flaky: bool = False

    @property
    def fingerprint(self) -> str:
        return self.signature.fingerprint

    def to_json(self) -> dict[str, Any]:
        return {
            **asdict(self.signature),
            "count": len(self.tests),
            "status": self.status,
            "flaky": self.flaky,
            "tests": self.tests,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Cause:
        return cls(Signature.from_json(data), list(data["tests"]), data["status"], data["flaky"])


@dataclass
class Triage:
    """A session's causes: failing at its end, failing only before a rerun passed, fixed."""

    failing: list[Cause]
    flaky: list[Cause]
    """Causes whose every test passed when re-run in the session (pytest-rerunfailures)."""
    fixed: list[Cause] = field(default_factory=list)

    @property
    def failed_tests(self) -> int:
        return len({node_id(test) for cause in self.failing for test in cause.tests})

    def to_json(self) -> dict[str, Any]:
        return {
            "failed_tests": self.failed_tests,
            "root_causes": [cause.to_json() for cause in self.failing],
            "flaky": [cause.to_json() for cause in self.flaky],
            "fixed": [cause.to_json() for cause in self.fixed],
        }


def node_id(test: str) -> str:
    """The test's node id, without the phase it failed in."""
    for phase in PHASES:
        if test.endswith(phase):
            return test[: -len(phase)]
    return test


def group(failures: Iterable[Failure]) -> list[Cause]:
    """One cause per fingerprint, the most frequent first; tests sorted (xdist mixes them)."""
    causes: dict[str, Cause] = {}
    for failure in failures:
        cause = causes.get(failure.signature.fingerprint)
        if cause is None:
            cause = causes[failure.signature.fingerprint] = Cause(failure.signature)
        if failure.test not in cause.tests:
            cause.tests.append(failure.test)
    for cause in causes.values():
        cause.tests.sort()
    return sorted(causes.values(), key=lambda cause: (-len(cause.tests), cause.fingerprint))


def triage(failures: Iterable[Failure], attempts: Iterable[Failure]) -> Triage:
    """The causes of the tests' final failures, and of failed attempts before a rerun.

    A cause that failed an attempt of a test that then passed is flaky: with the final
    failures when it also failed to the end elsewhere, on its own otherwise.
    """
    failures = list(failures)
    failed = {node_id(failure.test) for failure in failures}
    passed_later = [attempt for attempt in attempts if node_id(attempt.test) not in failed]
    flaky = {attempt.signature.fingerprint for attempt in passed_later}
    failing = group(failures)
    for cause in failing:
        cause.flaky = cause.fingerprint in flaky
    known = {cause.fingerprint for cause in failing}
    only_flaky = [cause for cause in group(passed_later) if cause.fingerprint not in known]
    for cause in only_flaky:
        cause.flaky = True
    return Triage(failing, only_flaky)


def summary_lines(triage: Triage, *, verbose: bool) -> list[str]:
    """The terminal section; empty when nothing failed, not even before a rerun."""
    if not triage.failing and not triage.flaky:
        return []
    lines = []
    if triage.failing:
        lines.append(
            f"{_plural(triage.failed_tests, 'failed test')}, "
            f"{_plural(len(triage.failing), 'root cause')}"
        )
        for cause in triage.failing:
            lines += _cause_lines(cause, verbose=verbose)
    if triage.flaky:
        lines.append(f"flaky, passed when re-run: {_plural(len(triage.flaky), 'root cause')}")
        for cause in triage.flaky:
            lines += _cause_lines(cause, verbose=verbose)
    if triage.fixed:
        lines.append(f"fixed since the last run: {_plural(len(triage.fixed), 'root cause')}")
        lines += [
            f"  {cause.fingerprint}  {cause.signature.label}  {cause.signature.description}"
            + (f" (at {cause.signature.frame})" if cause.signature.frame else "")
            for cause in triage.fixed
        ]
    return lines


def _cause_lines(cause: Cause, *, verbose: bool) -> list[str]:
    status = cause.status + (", flaky" if cause.flaky else "")
    lines = [
        f"{len(cause.tests):>4}  {cause.signature.label}  {cause.fingerprint}  {status}",
        f"      {cause.signature.description}",
    ]
    if cause.signature.frame:
        lines.append(f"      at {cause.signature.frame}")
    shown = cause.tests if verbose else cause.tests[:SHOWN_TESTS]
    lines += [f"      {test}" for test in shown]
    if len(shown) < len(cause.tests):
        lines.append(f"      ... and {len(cause.tests) - len(shown)} more (-v lists them all)")
    return lines


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
