"""Constant queries as data grows: ``queries.constant()`` and ``@pytest.mark.constant_queries``,
in real pytest-django runs on SQLite and PostgreSQL, with Django's test client and DRF's
APIClient in the block."""

from __future__ import annotations

import re

import pytest

from tests.pytest_plugin.queries_project import VIEWS, line_of, reports_line, run_once

pytest.importorskip("rest_framework")

API = """
from rest_framework import generics, serializers

from app.models import Book


class BookSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name")  # dotted source

    class Meta:
        model = Book
        fields = ["title", "author_name"]


class BookList(generics.ListAPIView):
    queryset = Book.objects.all()  # the view's queryset
    serializer_class = BookSerializer


class JoinedBookList(generics.ListAPIView):
    queryset = Book.objects.select_related("author")
    serializer_class = BookSerializer
"""

URLS = """
from django.urls import path

from app import api, views

urlpatterns = [
    path("books/", views.books),
    path("api/books/", api.BookList.as_view()),
    path("api/books/joined/", api.JoinedBookList.as_view()),
]
"""

CONSTANT_TESTS = """
import pytest
from django.test import TestCase
from rest_framework.test import APIClient

from app import reports
from app.models import Author, Book


def make_books(n):
    for number in range(n):
        author = Author.objects.create(name=f"author {number}")
        Book.objects.create(title=f"book {number}", author=author)


def make_books_on_other(n):
    author = Author.objects.using("other").create(name="solo")
    for number in range(n):
        Book.objects.using("other").create(title=f"book {number}", author=author)


def test_joined_is_constant(db, queries):
    sizes = []
    for size in queries.constant(make_books):
        assert len(reports.book_author_names_joined()) == size
        sizes.append(size)
    assert sizes == [2, 5, 10]


def test_lazy_load_grows(db, queries):
    for size in queries.constant(make_books):
        reports.book_author_names()


def test_slope_allows_one_query_per_row(db, queries):
    proof = queries.constant(make_books, slope=1)
    for size in proof:
        reports.book_author_names()
    assert proof.counts == [3, 6, 11]


def test_each_size_starts_from_the_test_data(db, queries):
    Author.objects.create(name="kept")
    seen = []
    for size in queries.constant(make_books, sizes=(1, 2, 3), scale=2):
        seen.append((size, Book.objects.count(), Author.objects.count()))
    assert seen == [(2, 2, 3), (4, 4, 5), (6, 6, 7)]
    assert (Book.objects.count(), Author.objects.count()) == (0, 1)


@pytest.mark.django_db(databases=["default", "other"])
def test_using_counts_and_isolates_one_alias(queries):
    for size in queries.constant(make_books_on_other, using="other"):
        list(Book.objects.using("other").select_related("author"))
        Author.objects.count()  # on "default": not counted
    assert Book.objects.using("other").count() == 0


def test_a_failing_body_keeps_its_own_error(db, queries):
    for size in queries.constant(make_books):
        if size == 5:
            raise ValueError("the body failed at size 5")


def test_rejects_sizes_that_do_not_increase(db, queries):
    with pytest.raises(TypeError, match="sizes= must increase"):
        queries.constant(make_books, sizes=(5, 2))


@pytest.mark.constant_queries(populate=make_books, sizes=(1, 3))
def test_marker_client_view_grows(db, client):
    assert client.get("/books/").status_code == 200


@pytest.mark.constant_queries(populate=make_books)
def test_marker_api_client_joined(db):
    assert APIClient().get("/api/books/joined/").status_code == 200


@pytest.mark.constant_queries(populate=make_books)
def test_marker_api_client_grows(db):
    assert APIClient().get("/api/books/").status_code == 200


@pytest.mark.constant_queries(sizes=(1, 2))
def test_marker_without_populate(db):
    pass


class TestUnittestStyle(TestCase):
    @pytest.mark.constant_queries(populate=make_books)
    def test_marker_on_a_unittest_method(self):
        pass
"""


def message(failure: str) -> str:
    """A failure raised in the test (not by a hook) as its text, without pytest's ``E`` margin."""
    return re.sub(r"(?m)^E {7}", "", failure)


@pytest.fixture
def constant(pytester, backend):
    files = {"app/api.py": API, "urls.py": URLS, "test_constant.py": CONSTANT_TESTS}
    return run_once(pytester, "constant", files, backend=backend)


def test_outcomes(constant):
    assert constant.outcomes == {
        "test_joined_is_constant": "PASSED",
        "test_lazy_load_grows": "FAILED",
        "test_slope_allows_one_query_per_row": "PASSED",
        "test_each_size_starts_from_the_test_data": "PASSED",
        "test_using_counts_and_isolates_one_alias": "PASSED",
        "test_a_failing_body_keeps_its_own_error": "FAILED",
        "test_rejects_sizes_that_do_not_increase": "PASSED",
        "test_marker_client_view_grows": "FAILED",
        "test_marker_api_client_joined": "PASSED",
        "test_marker_api_client_grows": "FAILED",
        "test_marker_without_populate": "FAILED",
        "test_marker_on_a_unittest_method": "FAILED",
    }, constant.output


def test_failure_names_the_growing_shape_its_site_and_the_fix(constant):
    failure = message(constant.failure("test_lazy_load_grows"))
    loop, load = reports_line("for book in Book.objects.all()"), reports_line("book.author.name)")
    expected = f"""\
ConstantQueriesError: Query count grows with the data: 3, 6, 11 queries at sizes 2, 5, 10 (allowed: constant)
Query shapes whose count grows (count at each size):
  2x, 5x, 10x  SELECT ... FROM "app_author" WHERE "app_author"."id" = ? LIMIT ?  — app/reports.py:{load} in book_author_names
    N+1: Book.author loaded lazily at app/reports.py:{load} in book_author_names
    fix: add .select_related("author") to the queryset iterated at app/reports.py:{loop}"""
    assert expected in failure, failure


def test_marker_runs_the_test_client_body_per_size(constant):
    failure = constant.failure("test_marker_client_view_grows")
    view = line_of(VIEWS, "# view")
    assert "Query count grows with the data: 2, 4 queries at sizes 1, 3" in failure, failure
    assert (
        f'1x, 3x  SELECT ... FROM "app_author" WHERE "app_author"."id" = ? LIMIT ?'
        f"  — app/views.py:{view} in books"
    ) in failure, failure


def test_marker_names_the_serializer_field_and_the_view_queryset(constant):
    failure = constant.failure("test_marker_api_client_grows")
    field = line_of(API, "# dotted source")
    view = line_of(API, "# the view's queryset")
    assert "3, 6, 11 queries at sizes 2, 5, 10" in failure, failure
    assert f"— app/api.py:{field} in BookSerializer.author_name" in failure, failure
    assert (
        f'fix: add .select_related("author") to the queryset of BookList (app/api.py:{view})'
    ) in failure, failure


def test_marker_arguments_are_checked(constant):
    failure = constant.failure("test_marker_without_populate")
    assert (
        "@pytest.mark.constant_queries: constant_queries() missing 1 required keyword-only "
        "argument: 'populate'"
    ) in failure, failure


def test_a_failing_body_rolls_back_and_keeps_its_error(constant):
    failure = constant.failure("test_a_failing_body_keeps_its_own_error")
    assert "ValueError: the body failed at size 5" in failure, failure
    assert "TransactionManagementError" not in constant.output, constant.output


def test_the_marker_refuses_unittest_methods(constant):
    failure = constant.failure("TestUnittestStyle.test_marker_on_a_unittest_method")
    assert (
        "@pytest.mark.constant_queries runs test functions, not unittest methods: use "
        "`for size in queries.constant(...)` in a pytest-style test"
    ) in failure, failure
