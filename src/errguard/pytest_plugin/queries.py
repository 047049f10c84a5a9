"""Query counting, query budgets and runtime N+1 detection for Django tests.

- ``queries`` fixture: every query of the test on every database alias and thread;
  ``with queries.max(n):`` / ``with queries.exactly(n):`` budget a block.
- ``@pytest.mark.max_queries(n, *, using=None)`` budgets a test body;
  ``@pytest.mark.allow_nplusone`` opts a test out of N+1 detection.
- ``--nplusone=fail|warn|off`` (ini ``errguard_nplusone``, default ``warn``) and
  ``errguard_nplusone_threshold`` (default 5) control runtime N+1 detection.
- A terminal summary: query totals, the busiest tests, each N+1 pattern once and the tests
  over a query budget, merged across pytest-xdist workers. Shown when there is an N+1 or a
  budget failure, with ``-v``, or always with ini ``errguard_queries_summary = always``
  (``never``: not at all); otherwise one line of totals says how to see it.

Nothing here imports Django. Recording (``errguard.queries.runtime``, which patches Django) is
imported and installed at the first test that runs with Django's settings configured, stays
idle between tests and is undone at the session's end, so a project without Django, or with
Django installed but unconfigured, gets no patches and no summary.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from errguard.pytest_plugin._choices import choice
from errguard.pytest_plugin._shared import NEEDS_DJANGO, TEST, django_configured
from errguard.pytest_plugin._unittest_body import is_unittest_item, method_only
from errguard.pytest_plugin._warnings import warn_each
from errguard.queries.budget import Queries, QueryCountError, QueryWindow, check_count
from errguard.queries.callsite import CallSite, CallSiteFinder
from errguard.queries.findings import NPlusOne, failure_message
from errguard.queries.log import QueryEntry
from errguard.queries.session import QueryStats

if TYPE_CHECKING:
    from errguard.queries.runtime import TestQueries

__all__ = [
    "CallSite",
    "NPlusOneWarning",
    "Queries",
    "QueryCountError",
    "QueryEntry",
    "QueryWindow",
    "queries",
]

MODES = ("fail", "warn", "off")
SUMMARY_MODES = ("auto", "always", "never")
_SHOW_SUMMARY = "-v or errguard_queries_summary = always"
_WORKER_OUTPUT = "errguard_queries"


class NPlusOneWarning(UserWarning):
    """Issued for each N+1 pattern a test runs into, with ``--nplusone=warn`` (the default).

    Filter it like any warning: ``-W error::errguard.pytest_plugin.queries.NPlusOneWarning``
    turns it into a failure, ``@pytest.mark.filterwarnings("ignore::...")`` silences a test.
    """


@dataclass
class _State:
    mode: str
    threshold: int
    count_setup: bool
    summary: str
    finder: CallSiteFinder
    stats: QueryStats


_STATE = pytest.StashKey[_State]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("errguard")
    group.addoption(
        "--nplusone",
        dest="errguard_nplusone",
        choices=MODES,
        default=None,
        help="runtime N+1 query detection: fail the test, warn (default) or off. "
        "Overrides the errguard_nplusone ini setting.",
    )
    parser.addini(
        "errguard_nplusone",
        "runtime N+1 query detection: fail, warn or off (default: warn)",
        default="warn",
    )
    parser.addini(
        "errguard_count_setup",
        "unittest-style tests: also count the queries of setUp(), tearDown() and Django's "
        "per-test fixture loading as the test body (default: false, the test method only)",
        type="bool",
        default=False,
    )
    parser.addini(
        "errguard_queries_summary",
        "the errguard: queries section at the end of the run: auto (default: when a test ran "
        "into an N+1 or over a query budget, or with -v; else one line of totals), always, never",
        default="auto",
    )
    parser.addini(
        "errguard_nplusone_threshold",
        "report a read run from one line in one call with more than this many different "
        "parameter sets (default: 5)",
        default="5",
    )


def _summary_mode(config: pytest.Config) -> str:
    value = config.getini("errguard_queries_summary")
    mode = str(value).strip().lower()
    if mode not in SUMMARY_MODES:
        raise pytest.UsageError(
            f"errguard_queries_summary must be auto, always or never, not {value!r}"
        )
    return mode


def _threshold(config: pytest.Config) -> int:
    value = config.getini("errguard_nplusone_threshold")
    try:
        threshold = int(str(value).strip())
    except ValueError:
        threshold = 0
    if threshold < 1:
        raise pytest.UsageError(
            f"errguard_nplusone_threshold must be a whole number of at least 1, not {value!r}"
        )
    return threshold


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "max_queries(n, *, using=None): fail the test if its body runs more than n database "
        "queries (on alias `using`, default every alias); fixture setup is not counted.",
    )
    config.addinivalue_line(
        "markers", "allow_nplusone: do not report runtime N+1 queries for this test."
    )
    config.stash[_STATE] = _State(
        mode=choice(config, "errguard_nplusone", MODES),
        threshold=_threshold(config),
        count_setup=bool(config.getini("errguard_count_setup")),
        summary=_summary_mode(config),
        finder=CallSiteFinder(config.rootpath, config.getini("python_files")),
        stats=QueryStats(),
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    state = item.config.stash.get(_STATE, None)
    if state is None or not django_configured():
        return (yield)
    from errguard.queries.runtime import recording

    detect = state.mode != "off" and item.get_closest_marker("allow_nplusone") is None
    with recording(state.finder, detect=detect, threshold=state.threshold) as test:
        item.stash[TEST] = test
        try:
            return (yield)
        finally:
            del item.stash[TEST]
            state.stats.add_test(
                item.nodeid, total=len(test.log), body=test.body_count, findings=test.found
            )


def _max_queries_marker(item: pytest.Item) -> tuple[int, str | None] | None:
    marker = item.get_closest_marker("max_queries")
    if marker is None:
        return None

    def max_queries(n: int, *, using: str | None = None) -> tuple[int, str | None]:
        check_count(n, using=using)
        return n, using

    try:
        return max_queries(*marker.args, **marker.kwargs)
    except TypeError as error:
        problem = str(error)
    pytest.fail(f"@pytest.mark.max_queries: {problem}", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    budget = _max_queries_marker(item)
    test = item.stash.get(TEST, None)
    if test is None:
        if budget is not None:
            pytest.fail(f"@pytest.mark.max_queries {NEEDS_DJANGO}", pytrace=False)
        return (yield)
    state = item.config.stash[_STATE]
    scope = (
        nullcontext(False)
        if state.count_setup
        else method_only(item, test.begin_body, test.end_body)
    )
    with scope as scoped:
        if scoped:
            test.scope = "the test method (setUp and tearDown not counted)"
        elif is_unittest_item(item) and state.count_setup:
            test.scope = "setUp, the test method and tearDown"
        if not scoped:
            test.begin_body()
        try:
            yield
        except QueryCountError:
            state.stats.add_budget_failure(item.nodeid)
            raise
        finally:
            test.end_body()
    failures = []
    if budget is not None:
        failure = test.budget_failure(*budget)
        if failure is not None:
            state.stats.add_budget_failure(item.nodeid)
            failures.append(failure)
    if test.found:
        if state.mode == "fail":
            failures.append(failure_message(test.found))
        else:
            _warn(item, test.found)
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


def _warn(item: pytest.Item, findings: list[NPlusOne]) -> None:
    warn_each(item, NPlusOneWarning, ((f"N+1 queries: {f.describe()}", f.site) for f in findings))


@pytest.fixture
def queries(request: pytest.FixtureRequest) -> Queries:
    """Every database query of this test, on every alias and thread.

    ``queries.count`` and ``queries.log`` (entries with ``sql``, ``alias``, ``call_site``,
    ``duration``) cover the test body; ``with queries.max(n):`` and
    ``with queries.exactly(n):`` (optional ``using="alias"``) fail a block that runs more (or
    other) than ``n`` queries, listing them grouped by shape with their call sites.
    ``for size in queries.constant(populate):`` fails when the count grows with the data, and
    ``with queries.snapshot():`` when the query shapes differ from the stored snapshot
    (``errguard.pytest_plugin.query_proofs``).
    """
    test: TestQueries | None = request.node.stash.get(TEST, None)
    if test is None:
        pytest.fail(f"the queries fixture {NEEDS_DJANGO}", pytrace=False)
    return test.fixture()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    runtime = sys.modules.get("errguard.queries.runtime")
    if runtime is not None:  # only imported once a test recorded queries
        runtime.uninstall()
    workeroutput = getattr(session.config, "workeroutput", None)
    state = session.config.stash.get(_STATE, None)
    if workeroutput is not None and state is not None:
        workeroutput[_WORKER_OUTPUT] = state.stats.to_json()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any) -> None:
    """pytest-xdist: merge a finished worker's totals and findings into the controller's."""
    data = getattr(node, "workeroutput", {}).get(_WORKER_OUTPUT)
    state = node.config.stash.get(_STATE, None)
    if data and state is not None:
        state.stats.merge_json(data)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    state = config.stash.get(_STATE, None)
    if state is None or hasattr(config, "workerinput"):
        return
    stats = state.stats
    if not stats.per_test or state.summary == "never":
        return
    if state.summary == "always" or stats.has_problems or config.get_verbosity() > 0:
        terminalreporter.write_sep("=", "errguard: queries")
        for line in stats.summary_lines():
            terminalreporter.write_line(line)
    elif stats.total and config.get_verbosity() >= 0:
        terminalreporter.write_line(stats.one_line(_SHOW_SUMMARY))
