"""The small Django app the N+1 and race rules' examples run against (written next to them)."""

from __future__ import annotations

SHOP_MODELS = """\
from django.db import models


class Publisher(models.Model):
    name = models.CharField(max_length=100)


class Author(models.Model):
    name = models.CharField(max_length=100)
    email = models.EmailField(unique=True)
    publisher = models.ForeignKey(Publisher, null=True, on_delete=models.SET_NULL)


class Tag(models.Model):
    name = models.SlugField(unique=True)


class Book(models.Model):
    title = models.CharField(max_length=200)
    price = models.IntegerField(default=0)
    author = models.ForeignKey(Author, related_name="books", on_delete=models.CASCADE)
    editor = models.ForeignKey(Author, null=True, related_name="edited", on_delete=models.SET_NULL)
    tags = models.ManyToManyField(Tag, blank=True)

    @property
    def author_name(self):
        return self.author.name

    def tag_names(self):
        return [tag.name for tag in self.tags.all()]


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    stars = models.IntegerField()
"""

SHOP = {"shop/__init__.py": "", "shop/models.py": SHOP_MODELS}
