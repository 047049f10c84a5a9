"""Failure triage: failed tests grouped by root cause at the end of the run.

Each failed setup, call or teardown gets a record (``errguard.triage.fingerprint``) attached to
its report, where it is made: in the test's own process, which under pytest-xdist is a worker,
and the record travels to the controller with the report. The controller groups them, compares
them with the last run (pytest's cache), prints the ``errguard: triage`` section and, with
``--errguard-triage-json=FILE``, writes it for CI. A passing run prints nothing.

Nothing here imports Django; ``errguard.triage`` is imported at the first failure.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from errguard.triage.fingerprint import Failure, Fingerprinter
    from errguard.triage.summary import Triage

_RECORD = "errguard_triage"
"""The report attribute holding the failure's record (JSON-able, so xdist sends it along)."""
_CATEGORIES: pytest.StashKey[Mapping[str, str]] = pytest.StashKey()
_FINGERPRINTER: pytest.StashKey[Fingerprinter] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("errguard")
    group.addoption(
        "--errguard-triage-json",
        dest="errguard_triage_json",
        metavar="FILE",
        default=None,
        help="write the failure triage (root causes with their tests, flaky and fixed "
        "causes) to FILE as JSON, for CI.",
    )
    parser.addini(
        "errguard_triage",
        "group failed tests by root cause in a summary at the end of the run (default: true)",
        type="bool",
        default=True,
    )
    parser.addini(
        "errguard_triage_categories",
        "failure categories for more exception classes, one 'dotted.ExceptionClass = category' "
        "a line; they take precedence over the built-in ones",
        type="linelist",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    if not config.getini("errguard_triage"):
        return
    from errguard.triage.classify import parse_categories

    try:
        config.stash[_CATEGORIES] = parse_categories(config.getini("errguard_triage_categories"))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Controller(config), "errguard-triage-controller")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed and _CATEGORIES in item.config.stash:
        test = report.nodeid if call.when == "call" else f"{report.nodeid} ({call.when})"
        fingerprinter = _fingerprinter(item.config)
        if call.excinfo is None:
            failure = fingerprinter.failure_without_exception(test, report.longreprtext)
        else:
            failure = fingerprinter.failure(test, call.excinfo.value)
        setattr(report, _RECORD, failure.to_json())
    return report


def _fingerprinter(config: pytest.Config) -> Fingerprinter:
    fingerprinter = config.stash.get(_FINGERPRINTER, None)
    if fingerprinter is None:
        from errguard.queries.callsite import CallSiteFinder
        from errguard.triage.fingerprint import Fingerprinter
        from errguard.triage.normalize import MessageNormalizer

        fingerprinter = config.stash[_FINGERPRINTER] = Fingerprinter(
            CallSiteFinder(config.rootpath, config.getini("python_files")),
            MessageNormalizer(str(config.rootpath), _basetemp(config)),
            config.stash[_CATEGORIES],
        )
    return fingerprinter


def _basetemp(config: pytest.Config) -> list[str]:
    """``--basetemp``, which may be anywhere (pytester puts it inside the project)."""
    basetemp = config.getoption("basetemp")
    return [str(Path(config.invocation_params.dir, basetemp))] if basetemp else []


class _Controller:
    """Collects the records of the session's reports (every worker's) and reports on them."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.failures: list[Failure] = []
        self.attempts: list[Failure] = []
        """Failures of a test that was then re-run (pytest-rerunfailures' ``rerun`` outcome)."""
        self.passed: set[str] = set()
        self.triage: Triage | None = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" and report.passed:
            self.passed.add(report.nodeid)
        record = getattr(report, _RECORD, None)
        if record is None:
            return
        from errguard.triage.fingerprint import Failure

        rerun = report.outcome == "rerun"  # type: ignore[comparison-overlap]
        (self.attempts if rerun else self.failures).append(Failure.from_json(record))

    def pytest_sessionfinish(self) -> None:
        from errguard.triage.history import CACHE_KEY, compare
        from errguard.triage.summary import triage

        self.triage = triage(self.failures, self.attempts)
        cache = getattr(self.config, "cache", None)
        if cache is not None:
            previous = cache.get(CACHE_KEY, None)
            state = compare(self.triage, previous, self.passed)
            if state != previous:
                cache.set(CACHE_KEY, state)
        self._write_json(self.triage.to_json())

    def _write_json(self, data: object) -> None:
        target = self.config.getoption("errguard_triage_json")
        if target:
            path = Path(self.config.invocation_params.dir, target)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.triage is None:
            return
        from errguard.triage.summary import summary_lines

        lines = summary_lines(self.triage, verbose=self.config.getoption("verbose") > 0)
        if lines:
            terminalreporter.write_sep("=", "errguard: triage")
            for line in lines:
                terminalreporter.write_line(line)
