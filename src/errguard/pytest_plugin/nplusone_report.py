"""``pytest --errguard-report=FILE``: every runtime N+1 finding of the run, as JSON.

Each finding with its test, count and call site; a lazy load also with its model, attribute,
relation path, the iterated queryset's call site and the ``select_related`` or
``prefetch_related`` that loads it up front. Under pytest-xdist each worker sends its findings
to the controller, which writes the file once at the end. ``errguard fix --from-report FILE``
applies the suggested additions the linter's own checks agree with. Nothing here imports Django.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from errguard.pytest_plugin._shared import TEST
from errguard.queries.runtime_report import RuntimeReport

_REPORT = pytest.StashKey[RuntimeReport]()
_WORKER_OUTPUT = "errguard_report"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("errguard").addoption(
        "--errguard-report",
        dest="errguard_report",
        metavar="FILE",
        default=None,
        help="write every runtime N+1 finding (test, model, relation path, the iterated "
        "queryset's call site, the lazy load's, the select_related/prefetch_related to add) "
        "to FILE as JSON, for `errguard fix --from-report FILE`. Needs --nplusone warn or fail.",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("errguard_report"):
        config.stash[_REPORT] = RuntimeReport()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Outside the ``queries`` plugin's wrapper: the body's findings are known after the yield."""
    report = item.config.stash.get(_REPORT, None)
    try:
        return (yield)
    finally:
        test = item.stash.get(TEST, None)
        if report is not None and test is not None:
            report.add(item.nodeid, test.found)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    report = config.stash.get(_REPORT, None)
    if report is None:
        return
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[_WORKER_OUTPUT] = report.findings
    else:
        path = Path(config.getoption("errguard_report"))
        report.write(
            path if path.is_absolute() else config.invocation_params.dir / path, config.rootpath
        )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any) -> None:
    """pytest-xdist: add a finished worker's findings to the controller's report."""
    findings = getattr(node, "workeroutput", {}).get(_WORKER_OUTPUT)
    report = node.config.stash.get(_REPORT, None)
    if findings and report is not None:
        report.merge(findings)
