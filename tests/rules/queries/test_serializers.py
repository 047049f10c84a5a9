"""EG105 across modules: serializers re-exported by a package, view bases in other modules."""

from __future__ import annotations

from errguard.models import Valid
from errguard.rules.queries.serializer_n_plus_one import SerializerNPlusOne
from tests.example_harness import findings

SERIALIZERS = {
    "shop/__init__.py": "",
    "shop/models.py": """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
""",
    "shop/api/__init__.py": "from shop.api.books import BookSerializer\n",
    "shop/api/books.py": """\
from rest_framework import serializers
from shop.models import Book


class BookSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name")

    class Meta:
        model = Book
        fields = ["id", "author_name"]
""",
    "shop/base.py": """\
from rest_framework import viewsets


class Loading(viewsets.ModelViewSet):
    def get_queryset(self):
        return super().get_queryset().select_related(*self.related)
""",
}


def _messages(tmp_path, code):
    return [
        v.message for v in findings(SerializerNPlusOne, Valid(code, files=SERIALIZERS), tmp_path)
    ]


def test_serializer_found_through_a_package_re_export(tmp_path):
    code = """
from rest_framework import viewsets
from shop.api import BookSerializer
from shop.models import Book

class Books(viewsets.ReadOnlyModelViewSet):
    queryset = Book.objects.all()
    serializer_class = BookSerializer
"""
    [message] = _messages(tmp_path, code)
    assert "reads `author_name` (`author.name`, shop.api.books:6)" in message
    assert message.endswith("""add `.select_related("author")` to the view's queryset""")


def test_base_view_in_another_module_loading_rows_is_trusted(tmp_path):
    code = """
from shop.api import BookSerializer
from shop.base import Loading
from shop.models import Book

class Books(Loading):
    related = ["author"]
    queryset = Book.objects.all()
    serializer_class = BookSerializer
"""
    assert _messages(tmp_path, code) == []


def test_super_get_queryset_refines_the_base_classes_one(tmp_path):
    code = """
from rest_framework import generics
from shop.api import BookSerializer
from shop.models import Book

class Loaded(generics.ListAPIView):
    queryset = Book.objects.all()

    def get_queryset(self):
        return super().get_queryset().select_related("author")

class Books(Loaded):
    serializer_class = BookSerializer

    def get_queryset(self):
        return super().get_queryset().filter(title__startswith="A")
"""
    assert _messages(tmp_path, code) == []
