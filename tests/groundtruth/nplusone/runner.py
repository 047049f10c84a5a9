"""Run every ``case_*`` function of gtapp.cases on SQLite at one data size; print JSON.

Usage: python runner.py <directory holding gtapp> <size>
Output: {"case_name": {"queries": <int>, "result": <JSON value>}, ...}
"""

import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from django_sandbox import setup  # noqa: E402

setup(sys.argv[1], "gtapp")

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def seed(size):
    from gtapp.models import Author, Book, Profile, Publisher, Review, Tag

    tags = [Tag.objects.create(name=f"tag{i}") for i in range(3)]
    for index in range(size):
        publisher = Publisher.objects.create(name=f"publisher{index}")
        author = Author.objects.create(name=f"author{index}", publisher=publisher)
        Profile.objects.create(author=author, bio=f"bio{index}")
        for number in range(2):
            book = Book.objects.create(
                title=f"book{index}-{number}",
                price=index + number,
                author=author,
                editor=author if number else None,
            )
            book.tags.set(tags[: number + 1])
            for stars in range(2):
                Review.objects.create(book=book, stars=stars + number)


def main():
    seed(int(sys.argv[2]))
    cases = importlib.import_module("gtapp.cases")
    results = {}
    for name in sorted(dir(cases)):
        if name.startswith("case_"):
            with CaptureQueriesContext(connection) as captured:
                value = getattr(cases, name)()
            results[name] = {"queries": len(captured), "result": value}
    json.dump(results, sys.stdout, sort_keys=True)


main()
