"""When the "errguard: queries" section is shown: with something to say (an N+1, a query budget
exceeded), with ``-v``, or as ``errguard_queries_summary`` says; otherwise one line of totals."""

from __future__ import annotations

import pytest

from tests.pytest_plugin.backends import SQLITE
from tests.pytest_plugin.queries_project import PYTEST_INI, run, run_once, write, write_project

SECTION = "errguard: queries"
ONE_LINE = (
    "no N+1 and no query budget exceeded (-v or errguard_queries_summary = always for the table)"
)

QUIET_TESTS = """
from app import reports


def test_joined(catalogue):
    reports.book_author_names_joined()


def test_counted(catalogue, queries):
    with queries.max(5):
        reports.book_author_names_joined()
"""

NOISY_TESTS = """
import pytest

from app import reports


def test_loop(catalogue):
    reports.book_author_names()


@pytest.mark.max_queries(1)
def test_over_budget(catalogue):
    reports.book_author_names_joined()
    reports.book_author_names_joined()
"""


def quiet_run(pytester, key, *args):
    return run_once(pytester, f"summary-{key}", {"test_quiet.py": QUIET_TESTS}, *args)


def test_a_run_with_nothing_to_report_prints_one_line_saying_how_to_see_the_table(pytester):
    quiet = quiet_run(pytester, "default")
    assert set(quiet.outcomes.values()) == {"PASSED"}, quiet.output
    assert SECTION not in quiet.output
    (line,) = [line for line in quiet.result.stdout.lines if ONE_LINE in line]
    assert line.startswith("errguard: "), line
    assert " queries in 2 tests, " in line


@pytest.mark.parametrize(
    "args", [("-v",), ("-o", "errguard_queries_summary=always")], ids=["verbose", "always"]
)
def test_the_table_is_shown_when_asked(pytester, args):
    shown = quiet_run(pytester, "-".join(args), *args)
    summary = shown.section(SECTION)
    assert "queries in 2 tests: " in summary
    assert "Most queries in a test body:" in summary
    assert ONE_LINE not in shown.output


def test_quiet_mode_drops_the_line(pytester):
    write_project(pytester, SQLITE)
    write(pytester, "test_quiet.py", QUIET_TESTS)
    quiet = run(pytester, "-q")  # not run_once: -q drops the header it checks
    assert quiet.outcomes == {"test_joined": "PASSED", "test_counted": "PASSED"}, quiet.output
    assert "errguard: " not in quiet.output


def test_an_n_plus_one_or_a_budget_failure_shows_the_table(pytester):
    noisy = run_once(pytester, "summary-noisy", {"test_noisy.py": NOISY_TESTS})
    assert noisy.outcomes == {"test_loop": "PASSED", "test_over_budget": "FAILED"}, noisy.output
    summary = noisy.section(SECTION)
    assert "N+1 queries: 1 distinct pattern\n" in summary
    assert summary.endswith("Query budget exceeded in 1 test:\n  test_noisy.py::test_over_budget\n")


def test_never_shows_nothing_even_with_findings(pytester):
    ini = PYTEST_INI + "errguard_queries_summary = never\n"
    files = {"pytest.ini": ini, "test_noisy.py": NOISY_TESTS}
    silenced = run_once(pytester, "summary-never", files)
    assert silenced.outcomes["test_over_budget"] == "FAILED", silenced.output
    assert SECTION not in silenced.output
    assert ONE_LINE not in silenced.output
