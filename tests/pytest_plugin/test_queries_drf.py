"""Runtime N+1 through Django REST framework serializers: named at the serializer field, with
the fix pointed at the view's queryset."""

from __future__ import annotations

import pytest

from tests.pytest_plugin.queries_project import line_of, run_once

pytest.importorskip("rest_framework")

SERIALIZERS = """
from rest_framework import serializers

from app.models import Book


class BookSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name")  # dotted source

    class Meta:
        model = Book
        fields = ["title", "author_name"]


class BookTitleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["title", "author"]  # the author's pk: no query
"""

API = """
from rest_framework import generics

from app.models import Book
from app.serializers import BookSerializer, BookTitleSerializer


class BookList(generics.ListAPIView):
    queryset = Book.objects.all()  # the view's queryset
    serializer_class = BookSerializer


class JoinedBookList(generics.ListAPIView):
    queryset = Book.objects.select_related("author")
    serializer_class = BookSerializer


class BookTitleList(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = BookTitleSerializer
"""

URLS = """
from django.urls import path

from app import api

urlpatterns = [
    path("api/books/", api.BookList.as_view()),
    path("api/books/joined/", api.JoinedBookList.as_view()),
    path("api/books/titles/", api.BookTitleList.as_view()),
]
"""

DRF_TESTS = """
def test_dotted_source_per_row(catalogue, client):
    assert client.get("/api/books/").status_code == 200


def test_joined_queryset(catalogue, client):
    assert client.get("/api/books/joined/").status_code == 200


def test_primary_keys_only(catalogue, client):
    assert client.get("/api/books/titles/").status_code == 200
"""


@pytest.fixture
def drf(pytester, backend):
    files = {
        "app/serializers.py": SERIALIZERS,
        "app/api.py": API,
        "urls.py": URLS,
        "test_drf.py": DRF_TESTS,
    }
    return run_once(pytester, "drf", files, "--nplusone=fail", backend=backend)


def test_only_the_lazy_source_fails(drf):
    assert drf.outcomes == {
        "test_dotted_source_per_row": "FAILED",
        "test_joined_queryset": "PASSED",
        "test_primary_keys_only": "PASSED",
    }, drf.output


def test_the_serializer_field_is_the_call_site_and_the_view_queryset_the_fix(drf):
    failure = drf.failure("test_dotted_source_per_row")
    field = line_of(SERIALIZERS, "# dotted source")
    view = line_of(API, "# the view's queryset")
    assert (
        f"Book.author loaded lazily at app/serializers.py:{field} in BookSerializer.author_name"
        " (6 times)"
    ) in failure, failure
    assert (
        f'add .select_related("author") to the queryset of BookList (app/api.py:{view})'
    ) in failure, failure
