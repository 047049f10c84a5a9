"""unittest-style tests: the body is the test method; ``errguard_count_setup`` widens it to
``setUp()``, ``tearDown()`` and Django's per-test fixture loading."""

from __future__ import annotations

import pytest

from tests.pytest_plugin.queries_project import run_once

UNITTEST_TESTS = """
import pytest
from django.test import TestCase

from app import reports
from app.models import Author, Book, Tag


def make_catalogue():
    for name in ("Ann", "Bob", "Cy"):
        author = Author.objects.create(name=name)
        Book.objects.create(title=f"{name} One", author=author)
        Book.objects.create(title=f"{name} Two", author=author)


@pytest.mark.max_queries(1)
class TestBudgetWithQueriesInSetUpAndTearDown(TestCase):
    def setUp(self):
        Tag.objects.create(label="a")
        Tag.objects.create(label="b")

    def tearDown(self):
        Tag.objects.count()

    def test_one_query_in_the_method(self):
        assert Tag.objects.count() == 2


class TestNPlusOneInSetUp(TestCase):
    def setUp(self):
        make_catalogue()
        self.names = reports.book_author_names()

    def test_method_without_queries(self):
        assert len(self.names) == 6


class TestNPlusOneInTheMethod(TestCase):
    def setUp(self):
        make_catalogue()

    def test_loop_in_the_method(self):
        reports.book_author_names()


class TestSkippedInSetUp(TestCase):
    def setUp(self):
        self.skipTest("skipped before the method runs")

    def test_never_runs(self):
        raise AssertionError("unreachable")


@pytest.mark.max_queries(1)
class TestAsyncMethod(TestCase):
    async def test_async_method_counts_its_call_phase(self):
        assert await Tag.objects.acount() == 0
"""

METHOD_ONLY = {
    "test_one_query_in_the_method": "PASSED",
    "test_method_without_queries": "PASSED",
    "test_loop_in_the_method": "FAILED",
    "test_async_method_counts_its_call_phase": "PASSED",
}


@pytest.fixture
def method_only(pytester, backend):
    files = {"test_unittest.py": UNITTEST_TESTS}
    return run_once(pytester, "unittest-method", files, "--nplusone=fail", backend=backend)


@pytest.fixture
def with_setup(pytester, backend):
    files = {"test_unittest.py": UNITTEST_TESTS}
    return run_once(
        pytester,
        "unittest-setup",
        files,
        "--nplusone=fail",
        "-o",
        "errguard_count_setup=true",
        backend=backend,
    )


def test_only_the_test_method_is_the_body_by_default(method_only):
    assert method_only.outcomes == METHOD_ONLY, method_only.output
    assert "1 failed, 3 passed, 1 skipped" in method_only.output, method_only.output
    failure = method_only.failure("TestNPlusOneInTheMethod.test_loop_in_the_method")
    assert "Book.author loaded lazily at app/reports.py:" in failure


def test_a_budget_failure_names_the_test_method_as_its_scope(pytester, backend):
    files = {
        "test_unittest.py": UNITTEST_TESTS.replace(
            "assert Tag.objects.count() == 2", "assert Tag.objects.count() == Tag.objects.count()"
        )
    }
    run = run_once(pytester, "unittest-method-over", files, backend=backend)
    budget = run.failure("TestBudgetWithQueriesInSetUpAndTearDown.test_one_query_in_the_method")
    assert budget.startswith(
        "Expected at most 1 query in the test method (setUp and tearDown not counted), "
        "2 were executed:"
    ), budget


def test_count_setup_includes_setup_and_teardown(with_setup):
    assert with_setup.outcomes == {
        **METHOD_ONLY,
        "test_one_query_in_the_method": "FAILED",
        "test_method_without_queries": "FAILED",
    }, with_setup.output
    assert "3 failed, 1 passed, 1 skipped" in with_setup.output, with_setup.output
    budget = with_setup.failure(
        "TestBudgetWithQueriesInSetUpAndTearDown.test_one_query_in_the_method"
    )
    assert budget.startswith(
        "Expected at most 1 query in setUp, the test method and tearDown, 4 were executed:"
    ), budget
    n_plus_one = with_setup.failure("TestNPlusOneInSetUp.test_method_without_queries")
    assert "Book.author loaded lazily at app/reports.py:" in n_plus_one
