"""A tiny Django project for pytester runs of errguard's queries plugin, on a real database.

``write_project(pytester, backend)`` writes settings (two aliases, ``default`` and ``other``, on
SQLite in memory or on PostgreSQL: see ``backends.py``), an ``app`` with Author/Profile/Book/Tag
models, report functions with and without N+1 loops, a view, and a ``catalogue`` fixture; tests
then add their own test files. ``line_of`` finds line numbers in the written sources, so assertions
about call sites do not hard-code them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.pytest_plugin.backends import DRIVER_HEADER, SQLITE, Backend

try:
    import fcntl
except ImportError:  # Windows: each xdist worker makes its own runs
    fcntl = None  # type: ignore[assignment]

SETTINGS = """
SECRET_KEY = "errguard-queries-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = ["app"]
MIDDLEWARE = []
ROOT_URLCONF = "urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
# For the DRF views of test_queries_drf.py: no django.contrib.auth in this project.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}
"""
SQLITE_NAMES = {"default": ":memory:", "other": ":memory:"}

MODELS = """
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Profile(models.Model):
    author = models.OneToOneField(Author, on_delete=models.CASCADE, related_name="profile")
    bio = models.TextField(default="")


class Tag(models.Model):
    label = models.CharField(max_length=50)


class Book(models.Model):
    title = models.CharField(max_length=100)
    summary = models.TextField(default="")
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    tags = models.ManyToManyField(Tag, blank=True)
"""

# book_author_names is the README's example: iterated at line 8, the lazy load at line 9.
REPORTS = '''
"""Reports over the catalogue, with and without N+1 queries."""

from app.models import Author, Book, Tag


def book_author_names():
    names = []
    for book in Book.objects.all():
        names.append(book.author.name)
    return names


def book_author_names_joined():
    return [book.author.name for book in Book.objects.select_related("author")]


def book_author_ids():
    return [book.author_id for book in Book.objects.all()]


def book_author_rows():
    return [row["author__name"] for row in Book.objects.values("title", "author__name")]


def book_author_names_streamed():
    return [book.author.name for book in Book.objects.iterator()]  # streamed


def first_book_author():
    return Book.objects.order_by("pk").first().author.name


def author_titles():
    return [[b.title for b in a.book_set.all()] for a in Author.objects.all()]  # reverse FK


def author_titles_prefetched():
    authors = Author.objects.prefetch_related("book_set")
    return [[b.title for b in a.book_set.all()] for a in authors]


def author_titles_refiltered():
    authors = Author.objects.prefetch_related("book_set")  # prefetched, then filtered
    return [[b.title for b in a.book_set.filter(title__contains="o")] for a in authors]


def book_tag_labels():
    return [[t.label for t in b.tags.all()] for b in Book.objects.all()]  # m2m


def book_tag_labels_prefetched():
    return [[t.label for t in b.tags.all()] for b in Book.objects.prefetch_related("tags")]


def nested_tag_labels():
    authors = Author.objects.prefetch_related("book_set")  # nested
    return [[t.label for b in a.book_set.all() for t in b.tags.all()] for a in authors]


def author_bios():
    return [a.profile.bio for a in Author.objects.all()]  # reverse one-to-one


def author_bios_joined():
    return [a.profile.bio for a in Author.objects.select_related("profile")]


def book_author_bios():
    return [b.author.profile.bio for b in Book.objects.select_related("author")]  # joined


def book_summaries():
    return [b.summary for b in Book.objects.only("title")]  # deferred


def label_counts(labels):
    return {label: Tag.objects.filter(label=label).count() for label in labels}  # per label


def author_names_of(books):
    return [book.author.name for book in books]  # rows from the caller


def author_name(pk):
    return Author.objects.get(pk=pk).name  # one row


def retitle_books():
    for book in Book.objects.all():
        book.title = f"{book.title} by {book.author.name}"  # a load per row written
        book.save()


def ensure_tags(labels):
    for label in labels:
        if not Tag.objects.filter(label=label).exists():  # a check per row inserted
            Tag.objects.create(label=label)


def touch_books():
    for book in Book.objects.all():
        book.save()  # the receivers of post_save run once per row written


def on_book_saved(sender, instance, **kwargs):
    Tag.objects.filter(label=instance.author.name).count()  # read by a save receiver


def kinds_checked_by_three_helpers():
    for _ in range(3):
        for label in ("a", "b", "c"):
            Tag.objects.filter(label=label).exists()  # three kinds, three times


def tag_books(label):
    for book in Book.objects.all():
        tag = Tag.objects.get(label=label)  # the same read before each write: a duplicate
        book.tags.add(tag)
'''

VIEWS = """
from django.http import JsonResponse
from django.shortcuts import render

from app.models import Author, Book


def books(request):
    rows = [{"title": b.title, "author": b.author.name} for b in Book.objects.all()]  # view
    return JsonResponse({"books": rows})


def author(request, pk):
    return JsonResponse({"name": Author.objects.get(pk=pk).name})  # one lookup


def books_page(request):
    return render(request, "books.html", {"books": Book.objects.all()})  # template view
"""

TEMPLATE = """
<ul>
{% for book in books %}
  <li>{{ book.title }} by {{ book.author.name }}</li>
{% endfor %}
</ul>
"""

URLS = """
from django.urls import path

from app import views

urlpatterns = [
    path("books/", views.books),
    path("books/page/", views.books_page),
    path("authors/<int:pk>/", views.author),
]
"""

CONFTEST = """
import pytest

from app.models import Author, Book, Profile, Tag


@pytest.fixture
def catalogue(db):
    tags = [Tag.objects.create(label=label) for label in ("a", "b", "c")]
    for name in ("Ann", "Bob", "Cy"):
        author = Author.objects.create(name=name)
        Profile.objects.create(author=author, bio=f"about {name}")
        for title in ("One", "Two"):
            book = Book.objects.create(title=f"{name} {title}", author=author)
            book.tags.set(tags[:2])
    return Author.objects.count()
"""
CONFTEST += DRIVER_HEADER

PYTEST_INI = """
[pytest]
DJANGO_SETTINGS_MODULE = settings
pythonpath = .
addopts = -p no:cacheprovider
"""


def _text(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


def write(pytester: pytest.Pytester, path: str, source: str) -> None:
    """Write ``source`` (dedented, leading newlines dropped) to ``path`` in the project."""
    target = pytester.path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_text(source))


def write_project(pytester: pytest.Pytester, backend: Backend = SQLITE) -> None:
    """Write the Django project, on ``backend``'s database, into the pytester directory."""
    files = {
        "pytest.ini": PYTEST_INI,
        "settings.py": backend.settings(SETTINGS, SQLITE_NAMES),
        "urls.py": URLS,
        "conftest.py": CONFTEST,
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/reports.py": REPORTS,
        "app/views.py": VIEWS,
        "app/templates/books.html": TEMPLATE,
    }
    for path, source in files.items():
        write(pytester, path, source)


def line_of(source: str, needle: str) -> int:
    """The 1-based line of ``needle`` in ``source`` as ``write`` writes it."""
    for number, line in enumerate(_text(source).splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in source")


def reports_line(needle: str) -> int:
    return line_of(REPORTS, needle)


@dataclass
class Run:
    """A finished pytester run: its output, and each test's outcome by test name."""

    result: pytest.RunResult
    outcomes: dict[str, str]

    @property
    def output(self) -> str:
        return self.result.stdout.str()

    def failure(self, test_name: str) -> str:
        """The failure report of one test (the FAILURES section between its header lines)."""
        match = re.search(
            rf"_{{3,}} {re.escape(test_name)} _{{3,}}\n(.*?)(?=\n_{{3,}} |\n={{3,}} )",
            self.output,
            re.S,
        )
        assert match, f"no failure section for {test_name}:\n{self.output}"
        return match.group(1)

    def section(self, title: str) -> str:
        """One ``=== title ===`` section of the terminal report, up to the next section header.

        Cut at the next header because on CI (``CI`` set) pytest prints the short test summary
        untruncated, so the failure messages would otherwise be counted too.
        """
        match = re.search(
            rf"={{3,}} {re.escape(title)} ={{3,}}\n(.*?\n)(?=={{3,}} )", self.output, re.S
        )
        assert match, f"no {title!r} section:\n{self.output}"
        return match.group(1)


_SUMMARY_LINE = re.compile(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+?)(?: - .*)?$")


def _finished(result: pytest.RunResult) -> Run:
    outcomes = {}
    for line in result.stdout.lines:
        match = _SUMMARY_LINE.match(line)
        if match:
            outcomes[match.group(2).split("::")[-1]] = match.group(1)
    return Run(result, outcomes)


def run(pytester: pytest.Pytester, *args: str) -> Run:
    """Run pytest in a subprocess (Django configures itself once per process) with ``-rA``."""
    return _finished(pytester.runpytest_subprocess("-rA", *args))


_RUNS: dict[str, Run] = {}


def run_once(
    pytester: pytest.Pytester,
    key: str,
    files: dict[str, str],
    *args: str,
    backend: Backend = SQLITE,
) -> Run:
    """``run`` a project once per test session and backend; later tests assert on the same
    finished run, which must have used ``backend``'s database and driver.

    Each run costs a Python process with Django and a test database, so the tests of one
    scenario share it (each still gets its own, unused, pytester directory), also across
    pytest-xdist workers.
    """
    key = f"{key}[{backend.name}]"
    if key not in _RUNS:

        def make() -> Run:
            write_project(pytester, backend)
            for path, source in files.items():
                write(pytester, path, source)
            return run(pytester, *args)

        _RUNS[key] = _shared_between_workers(pytester, key, make)
    finished = _RUNS[key]
    assert backend.header in finished.output, finished.output
    return finished


def _shared_between_workers(pytester: pytest.Pytester, key: str, make: Callable[[], Run]) -> Run:
    """``make()`` the run in one xdist worker; the others wait for it and read its output.

    Workers of one session share the parent of their temp dirs (``<basetemp>/popen-gw<N>``).
    The output is saved while the lock is held, so a reader never sees half of it; a worker
    that dies mid-run drops its lock and saves nothing, so the next one runs it.
    """
    if fcntl is None or "PYTEST_XDIST_WORKER" not in os.environ:
        return make()
    shared = pytester.path.parent.parent / "errguard-runs"
    shared.mkdir(exist_ok=True)
    saved = shared / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"
    with open(saved.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if saved.exists():
            data = json.loads(saved.read_text(encoding="utf-8"))
            return _finished(pytest.RunResult(**data))
        finished = make()
        result = finished.result
        data = {
            "ret": int(result.ret),
            "outlines": result.outlines,
            "errlines": result.errlines,
            "duration": result.duration,
        }
        saved.write_text(json.dumps(data), encoding="utf-8")
        return finished
