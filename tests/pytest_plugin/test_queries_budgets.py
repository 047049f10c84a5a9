"""The ``queries`` fixture and the ``max_queries`` marker, in real pytest-django runs on SQLite
and PostgreSQL (psycopg 3 and psycopg2)."""

from __future__ import annotations

import re

import pytest

from tests.pytest_plugin.queries_project import line_of, run_once

BUDGET_TESTS = """
import threading

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection, connections

from app import reports
from app.models import Author, Book, Tag

FULL_LOG = [{"sql": "SELECT 1", "time": "0.000"}] * 9000


def count_in_thread(results):
    try:
        results.append(Author.objects.count())
    finally:
        connections.close_all()


def test_max_passes(catalogue, queries):
    with queries.max(2):
        Author.objects.count()
        Book.objects.count()


def test_max_fails_listing_the_queries(catalogue, queries):
    with queries.max(2):
        reports.book_author_names()


def test_exactly_passes(catalogue, queries):
    with queries.exactly(3) as block:
        list(Author.objects.all())
        Author.objects.count()
        Tag.objects.exists()
    assert block.count == 3
    assert [entry.alias for entry in block.log] == ["default"] * 3


def test_exactly_fails_with_fewer(catalogue, queries):
    with queries.exactly(2):
        Author.objects.count()


def test_exactly_zero_fails_listing_one(catalogue, queries):
    with queries.exactly(0):
        Author.objects.count()


def test_count_and_log_cover_the_test_body(catalogue, queries):
    assert queries.count == 0
    assert len(reports.book_author_names()) == 6
    assert queries.count == 7
    first, second = queries.log[:2]
    assert 'FROM "app_book"' in first.sql
    assert 'FROM "app_author"' in second.sql
    assert str(second.call_site) == "app/reports.py:9 in book_author_names"
    assert (second.call_site.path, second.call_site.lineno) == ("app/reports.py", 9)
    assert second.alias == "default"
    assert second.params_count == 1
    assert second.many is False
    assert second.thread_id == threading.get_ident()
    assert 0 <= second.duration < 1


@pytest.mark.django_db(databases=["default", "other"])
def test_using_counts_one_alias(queries):
    with queries.exactly(1, using="other"), queries.exactly(2, using="default"):
        Author.objects.using("other").count()
        Author.objects.count()
        Tag.objects.count()
    assert queries.count == 3


@pytest.mark.django_db(databases=["default", "other"])
def test_using_failure_names_the_alias(queries):
    with queries.max(0, using="other"):
        Author.objects.count()
        Author.objects.using("other").count()


def test_budget_holds_with_the_query_log_full(catalogue, queries, settings):
    settings.DEBUG = True
    connection.queries_log.extend(FULL_LOG)
    assert len(connection.queries_log) == connection.queries_limit == 9000
    with queries.exactly(7):
        reports.book_author_names()
    assert len(connection.queries_log) == 9000


def test_budget_of_one_fails_with_the_query_log_full(catalogue, queries, settings):
    settings.DEBUG = True
    connection.queries_log.extend(FULL_LOG)
    with queries.max(1):
        for name in ("Ann", "Bob", "Cy", "Dee", "Eve", "Fay"):
            Author.objects.filter(name=name).exists()


@pytest.mark.django_db(transaction=True)
def test_queries_in_another_thread_are_counted(queries):
    results = []
    with queries.exactly(2) as block:
        thread = threading.Thread(target=count_in_thread, args=(results,))
        thread.start()
        thread.join()
        Author.objects.count()
    assert results == [0]
    in_thread, in_test = block.log
    assert in_thread.thread_id != in_test.thread_id == threading.get_ident()
    assert in_thread.call_site.function == "count_in_thread"


@pytest.mark.django_db(transaction=True)
def test_sync_to_async_queries_are_counted(queries):
    results = []

    async def main():
        await sync_to_async(count_in_thread, thread_sensitive=False)(results)
        return await Author.objects.acount()

    with queries.exactly(2) as block:
        assert async_to_sync(main)() == 0
    assert results == [0]
    assert block.log[0].call_site.function == "count_in_thread"
    assert block.log[0].thread_id != threading.get_ident()


def test_a_failing_block_keeps_its_own_error(catalogue, queries):
    with queries.max(0):
        Author.objects.count()
        raise KeyError("the test's own error")


@pytest.mark.max_queries(2)
def test_marker_excludes_fixture_setup(catalogue):
    assert catalogue == 3
    Author.objects.count()
    Book.objects.count()


@pytest.mark.max_queries(2)
def test_marker_fails_over_budget(catalogue):
    reports.book_author_names()


@pytest.mark.max_queries(0, using="other")
@pytest.mark.django_db(databases=["default", "other"])
def test_marker_using_counts_one_alias():
    Author.objects.count()


@pytest.mark.max_queries("two")
def test_marker_rejects_a_bad_budget(db):
    pass


@pytest.mark.max_queries(1)
class TestClassBudget:
    def test_within(self, db):
        Author.objects.count()

    def test_over(self, db):
        Author.objects.count()
        Tag.objects.count()
"""

EXPECTED = {
    "test_max_passes": "PASSED",
    "test_max_fails_listing_the_queries": "FAILED",
    "test_exactly_passes": "PASSED",
    "test_exactly_fails_with_fewer": "FAILED",
    "test_exactly_zero_fails_listing_one": "FAILED",
    "test_count_and_log_cover_the_test_body": "PASSED",
    "test_using_counts_one_alias": "PASSED",
    "test_using_failure_names_the_alias": "FAILED",
    "test_budget_holds_with_the_query_log_full": "PASSED",
    "test_budget_of_one_fails_with_the_query_log_full": "FAILED",
    "test_queries_in_another_thread_are_counted": "PASSED",
    "test_sync_to_async_queries_are_counted": "PASSED",
    "test_a_failing_block_keeps_its_own_error": "FAILED",
    "test_marker_excludes_fixture_setup": "PASSED",
    "test_marker_fails_over_budget": "FAILED",
    "test_marker_using_counts_one_alias": "PASSED",
    "test_marker_rejects_a_bad_budget": "FAILED",
    "test_within": "PASSED",
    "test_over": "FAILED",
}


@pytest.fixture
def budgets(pytester, backend):
    """One pytest-django session over BUDGET_TESTS per backend, shared by this module's tests."""
    files = {"test_budgets.py": BUDGET_TESTS}
    return run_once(pytester, "budgets", files, "--nplusone=off", backend=backend)


def test_each_budget_passes_or_fails_as_expected(budgets):
    assert budgets.outcomes == EXPECTED, budgets.output


def test_failure_groups_queries_by_shape_with_call_sites(budgets):
    failure = budgets.failure("test_max_fails_listing_the_queries")
    author = 'SELECT ... FROM "app_author" WHERE "app_author"."id" = ? LIMIT ?'
    assert "Expected at most 2 queries, 7 were executed:" in failure
    assert f"  6x {author}  — app/reports.py:9 in book_author_names" in failure
    assert '  1x SELECT ... FROM "app_book"  — app/reports.py:8 in book_author_names' in failure


def test_failure_numbers_the_queries_in_order(budgets):
    failure = budgets.failure("test_max_fails_listing_the_queries")
    listed = failure[failure.index("In order:") :]
    assert '  1. SELECT ... FROM "app_book"  — app/reports.py:8 in book_author_names' in listed
    for number in range(2, 8):
        assert (
            f'  {number}. SELECT ... FROM "app_author" WHERE "app_author"."id" = %s LIMIT 21'
            "  — app/reports.py:9 in book_author_names"
        ) in listed
    assert "  8. " not in listed


def test_failure_traceback_ends_at_the_with_statement(budgets):
    failure = budgets.failure("test_max_fails_listing_the_queries")
    with_line = line_of(BUDGET_TESTS, "def test_max_fails_listing_the_queries") + 1
    assert f"test_budgets.py:{with_line}: QueryCountError" in failure
    assert "contextlib" not in failure
    assert "errguard/queries" not in failure


def test_exactly_reports_fewer_queries_with_the_test_line(budgets):
    failure = budgets.failure("test_exactly_fails_with_fewer")
    line = line_of(BUDGET_TESTS, "with queries.exactly(2):") + 1
    assert "Expected exactly 2 queries, 1 was executed:" in failure
    assert (
        f'  1. SELECT COUNT(*) AS "__count" FROM "app_author"'
        f"  — test_budgets.py:{line} in test_exactly_fails_with_fewer"
    ) in failure
    assert "In order:" not in failure
    assert "Expected exactly 0 queries, 1 was executed:" in budgets.failure(
        "test_exactly_zero_fails_listing_one"
    )


def test_using_budgets_one_alias_and_says_which(budgets):
    failure = budgets.failure("test_using_failure_names_the_alias")
    assert 'Expected at most 0 queries on "other", 1 was executed:' in failure
    assert failure.count('FROM "app_author"') == 1


def test_budget_counts_every_query_with_djangos_log_full(budgets):
    assert budgets.outcomes["test_budget_holds_with_the_query_log_full"] == "PASSED"
    failure = budgets.failure("test_budget_of_one_fails_with_the_query_log_full")
    assert "Expected at most 1 query, 6 were executed:" in failure
    assert '6x SELECT ? AS "a" FROM "app_author" WHERE "app_author"."name" = ? LIMIT ?' in failure


def test_the_blocks_own_error_is_not_masked(budgets):
    failure = budgets.failure("test_a_failing_block_keeps_its_own_error")
    assert 'KeyError: "the test\'s own error"' in failure
    assert "Expected" not in failure


def test_marker_budgets_the_test_body_only(budgets):
    failure = budgets.failure("test_marker_fails_over_budget")
    assert failure.startswith("Expected at most 2 queries in the test body, 7 were executed:")
    assert '  6x SELECT ... FROM "app_author"' in failure
    assert "def test_marker_fails_over_budget" not in failure  # no Python traceback


def test_marker_on_a_class_applies_to_each_test(budgets):
    failure = budgets.failure("TestClassBudget.test_over")
    assert failure.startswith("Expected at most 1 query in the test body, 2 were executed:")


def test_marker_with_a_bad_budget_says_so(budgets):
    failure = budgets.failure("test_marker_rejects_a_bad_budget")
    assert (
        failure.strip() == "@pytest.mark.max_queries: expected a number of queries >= 0, got 'two'"
    )


def test_summary_reports_totals_and_the_busiest_tests(budgets):
    summary = budgets.section("errguard: queries")
    assert re.match(
        r"\d+ queries in 19 tests: 57 in test bodies, \d+ in setup and teardown", summary
    )
    busiest = summary.splitlines()[2:6]
    assert all(line.startswith("  7  test_budgets.py::") for line in busiest), summary
    assert "N+1" not in summary
    # The section is shown (with no N+1 to report) for the tests over their budgets: a
    # queries.max() block and a max_queries marker.
    over_budget = summary.split("Query budget exceeded in ", 1)[1]
    assert "  test_budgets.py::test_max_fails_listing_the_queries\n" in over_budget
    assert "  test_budgets.py::TestClassBudget::test_over\n" in over_budget
