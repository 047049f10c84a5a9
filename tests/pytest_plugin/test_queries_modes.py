"""``--nplusone=warn`` (the default), the ini settings, and how they combine with the option."""

from __future__ import annotations

import pytest

from tests.pytest_plugin.queries_project import PYTEST_INI, run_once

WARN_TESTS = """
import pytest

from app import reports


def test_first_hit(catalogue):
    reports.book_author_names()


def test_second_hit(catalogue):
    reports.book_author_names()


@pytest.mark.filterwarnings("error::errguard.pytest_plugin.queries.NPlusOneWarning")
def test_warning_as_error(catalogue):
    reports.book_author_names()


def test_clean(catalogue):
    reports.book_author_names_joined()


def test_database_error(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")


def test_warning_class_is_importable():
    from errguard.pytest_plugin.queries import NPlusOneWarning

    assert issubclass(NPlusOneWarning, UserWarning)
"""

THRESHOLD_TESTS = """
from app import reports


def test_three_labels(catalogue):
    reports.label_counts(("a", "b", "c"))


def test_two_labels(catalogue):
    reports.label_counts(("a", "b"))
"""

LAZY_LOAD = "Book.author loaded lazily at app/reports.py:9 in book_author_names"


@pytest.fixture
def warned(pytester):
    return run_once(pytester, "warn", {"test_warn.py": WARN_TESTS})


@pytest.fixture
def configured(pytester):
    ini = PYTEST_INI + "errguard_nplusone = off\nerrguard_nplusone_threshold = 2\n"
    files = {"pytest.ini": ini, "test_threshold.py": THRESHOLD_TESTS}
    return run_once(pytester, "configured", files, "--nplusone=fail")


def test_warn_mode_passes_the_tests(warned):
    assert warned.outcomes == {
        "test_first_hit": "PASSED",
        "test_second_hit": "PASSED",
        "test_warning_as_error": "FAILED",
        "test_clean": "PASSED",
        "test_database_error": "FAILED",
        "test_warning_class_is_importable": "PASSED",
    }, warned.output


def test_warn_mode_warns_at_the_call_site(warned):
    warnings = warned.section("warnings summary")
    assert "test_warn.py::test_first_hit\ntest_warn.py::test_second_hit\n" in warnings
    assert (
        "/app/reports.py:9: NPlusOneWarning: N+1 queries: " + LAZY_LOAD + " (6 times)" in warnings
    )
    assert (
        'fix: add .select_related("author") to the queryset iterated at app/reports.py:8'
        in warnings
    )


def test_a_warning_filter_turns_it_into_a_failure(warned):
    failure = warned.failure("test_warning_as_error")
    assert failure.startswith("NPlusOneWarning: N+1 queries: " + LAZY_LOAD), failure
    assert "errguard" not in failure.replace("errguard.pytest_plugin", ""), failure


def test_tracebacks_of_database_errors_show_no_errguard_frame(warned):
    failure = warned.failure("test_database_error")
    assert "no_such_table" in failure
    assert "cursor.execute(" in failure
    assert "errguard" not in failure, failure


def test_summary_lists_the_pattern_once_with_every_test(warned):
    summary = warned.section("errguard: queries")
    assert "N+1 queries: 1 distinct pattern\n" in summary
    assert (
        f"  {LAZY_LOAD} (18 times in 3 tests)\n"
        '    fix: add .select_related("author") to the queryset iterated at app/reports.py:8\n'
        "    test_warn.py::test_first_hit\n"
        "    test_warn.py::test_second_hit\n"
        "    test_warn.py::test_warning_as_error\n"
    ) in summary


def test_option_overrides_the_ini_and_the_ini_sets_the_threshold(configured):
    assert configured.outcomes == {
        "test_three_labels": "FAILED",
        "test_two_labels": "PASSED",
    }, configured.output
    assert "(3 times)" in configured.failure("test_three_labels")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("errguard_nplusone=loud", "errguard_nplusone must be fail, warn or off, not 'loud'"),
        (
            "errguard_queries_summary=sometimes",
            "errguard_queries_summary must be auto, always or never, not 'sometimes'",
        ),
        (
            "errguard_nplusone_threshold=0",
            "errguard_nplusone_threshold must be a whole number of at least 1, not '0'",
        ),
        (
            "errguard_nplusone_threshold=five",
            "errguard_nplusone_threshold must be a whole number of at least 1, not 'five'",
        ),
    ],
)
def test_invalid_settings_are_usage_errors(pytester, setting, message):
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("-o", setting)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()


def test_an_invalid_option_value_is_rejected(pytester):
    result = pytester.runpytest("--nplusone=loud")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "argument --nplusone: invalid choice: 'loud'" in result.stderr.str()
