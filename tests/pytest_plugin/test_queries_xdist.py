"""Under pytest-xdist, each worker records its tests and the controller prints one summary."""

from __future__ import annotations

import re

import pytest

from tests.pytest_plugin.queries_project import run_once

WORKER_TESTS = """
import pytest

from app import reports


def test_{name}_loop(catalogue):
    reports.book_author_names()


@pytest.mark.max_queries(7)
def test_{name}_budget(catalogue):
    reports.book_author_names()
"""

LAZY_LOAD = "Book.author loaded lazily at app/reports.py:9 in book_author_names"


@pytest.fixture
def distributed(pytester):
    files = {f"test_{name}.py": WORKER_TESTS.format(name=name) for name in ("left", "right")}
    return run_once(pytester, "xdist", files, "-n", "2", "--dist", "loadfile", "-v")


def test_both_workers_ran_tests(distributed):
    assert set(distributed.outcomes.values()) == {"PASSED"}, distributed.output
    assert len(distributed.outcomes) == 4
    workers = set(re.findall(r"\[(gw\d)\] \[ *\d+%\] PASSED", distributed.output))
    assert workers == {"gw0", "gw1"}, distributed.output


def test_controller_prints_one_merged_summary(distributed):
    output = distributed.output
    assert output.count("errguard: queries") == 1
    summary = distributed.section("errguard: queries")
    assert re.match(
        r"\d+ queries in 4 tests: 28 in test bodies, \d+ in setup and teardown "
        r"\(each of the 2 xdist workers sets up its own test database\)\n",
        summary,
    )
    busiest = [line for line in summary.splitlines() if line.startswith("  7  test_")]
    assert len(busiest) == 4, summary


def test_findings_of_both_workers_are_merged_into_one_entry(distributed):
    summary = distributed.section("errguard: queries")
    assert "N+1 queries: 1 distinct pattern\n" in summary
    assert f"  {LAZY_LOAD} (24 times in 4 tests)\n" in summary
    for test in ("left_budget", "left_loop", "right_budget", "right_loop"):
        side = test.split("_")[0]
        assert f"    test_{side}.py::test_{test}\n" in summary
