"""``--errguard-unused-eager=warn``: eager lookups no row read, and everything never reported,
on SQLite and PostgreSQL (the admin and the default off: SQLite)."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tests.pytest_plugin.backends import Backend
from tests.pytest_plugin.queries_project import CONFTEST, Run, line_of, run_once

EAGER = '''
"""Querysets with eager lookups, read and unread."""

import copy

from django.db.models import Prefetch
from django.shortcuts import render

from app.models import Author, Book


def titles_joined():
    return [book.title for book in Book.objects.select_related("author")]  # unread join


def first_author_of_joined():
    books = list(Book.objects.select_related("author").order_by("pk"))
    return books[0].author.name  # one row reads it


def titles_joined_of_no_book():
    return [book.title for book in Book.objects.select_related("author").filter(title="-")]


def title_got_joined():
    return Book.objects.select_related("author").get(title="Ann One").title


def title_of_first_joined():
    return Book.objects.select_related("author").order_by("pk").first().title


def author_names_prefetched():
    return [a.name for a in Author.objects.prefetch_related("book_set")]  # unread prefetch


def author_titles_prefetched():
    return [[b.title for b in a.book_set.all()] for a in Author.objects.prefetch_related("book_set")]


def author_names_nested():
    return [b.author.name for b in Book.objects.select_related("author__profile")]  # nested


def author_titles_nested():
    authors = Author.objects.prefetch_related("book_set__tags")
    return [[b.title for b in a.book_set.all()] for a in authors]  # evaluated here


def tag_labels_prefetched():
    return [[t.label for t in b.tags.all()] for b in Book.objects.prefetch_related("tags")]


def books_page_joined(request):
    return render(request, "books.html", {"books": Book.objects.select_related("author")})


def author_names_of_copies():
    books = list(Book.objects.select_related("author"))
    return [book.author.name for book in copy.deepcopy(books)]


def titles_joined_unnamed():
    return [book.title for book in Book.objects.select_related()]  # every FK, unnamed


def author_names_prefetched_to_attr():
    authors = Author.objects.prefetch_related(Prefetch("book_set", to_attr="books"))
    return [a.name for a in authors]


def bios_joined():
    return [a.profile.bio for a in Author.objects.select_related("profile")]
'''

EAGER_TESTS = """
import pytest

from app import eager


@pytest.fixture
def titles_from_setup(catalogue):
    return eager.titles_joined()


def test_unread_join(catalogue):
    eager.titles_joined()


def test_join_read_by_one_row(catalogue):
    eager.first_author_of_joined()


def test_empty_result(catalogue):
    eager.titles_joined_of_no_book()


def test_get(catalogue):
    eager.title_got_joined()


def test_first(catalogue):
    eager.title_of_first_joined()


def test_unread_prefetch(catalogue):
    eager.author_names_prefetched()


def test_read_prefetch(catalogue):
    eager.author_titles_prefetched()


def test_nested_join_read_partly(catalogue):
    eager.author_names_nested()


def test_nested_prefetch_read_partly(catalogue):
    eager.author_titles_nested()


def test_read_m2m_prefetch(catalogue):
    eager.tag_labels_prefetched()


def test_read_reverse_one_to_one_join(catalogue):
    eager.bios_joined()


def test_unread_join_in_a_fixture(titles_from_setup):
    pass


def test_join_read_on_copies(catalogue):
    eager.author_names_of_copies()


def test_unnamed_join(catalogue):
    eager.titles_joined_unnamed()


def test_prefetch_to_attr(catalogue):
    eager.author_names_prefetched_to_attr()


def test_join_read_by_a_template(catalogue, client):
    assert client.get("/books/page/joined/").status_code == 200
"""

# The set-up of a unittest-style test is not its body (errguard_count_setup is off).
UNITTEST_TESTS = """
from django.test import TestCase

from app import eager
from app.models import Author, Book


class EagerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        author = Author.objects.create(name="Ann")
        for title in ("One", "Two"):
            Book.objects.create(title=title, author=author)

    def setUp(self):
        self.titles = eager.titles_joined()

    def test_unread_join_in_set_up(self):
        assert len(self.titles) == 2

    def test_unread_join_in_the_method(self):
        eager.titles_joined()
"""

URLS = """
from django.urls import path

from app import eager

urlpatterns = [path("books/page/joined/", eager.books_page_joined)]
"""

# Says after the session whether the querysets' methods the watch wraps are Django's again.
PATCH_CHECK = """
from django.db.models import query

WRAPPED = ("__iter__", "__len__", "__bool__")
BEFORE = {name: vars(query.QuerySet)[name] for name in WRAPPED}


def pytest_terminal_summary(terminalreporter):
    changed = [name for name in WRAPPED if vars(query.QuerySet)[name] is not BEFORE[name]]
    terminalreporter.write_line(f"patched after the session: {changed}")
"""

FILES = {
    "app/eager.py": EAGER,
    "test_eager.py": EAGER_TESTS,
    "test_eager_unittest.py": UNITTEST_TESTS,
    "urls.py": URLS,
    "conftest.py": CONFTEST + PATCH_CHECK,
}

ADMIN_SETTINGS = """
from settings import *  # noqa: F403

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "app",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
ROOT_URLCONF = "urls_admin"
"""

# The changelist joins the author for every row and shows only the title.
ADMIN = """
from django.contrib import admin

from app.models import Book


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title"]
    list_select_related = ["author"]
"""

ADMIN_URLS = """
from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
"""

ADMIN_TESTS = """
from app import eager


def test_admin_changelist(catalogue, admin_client):
    page = admin_client.get("/admin/app/book/")
    assert page.status_code == 200
    assert b"Ann One" in page.content


def test_unread_join_outside_the_admin(catalogue):
    eager.titles_joined()
"""

ADMIN_FILES = {
    "settings_admin.py": ADMIN_SETTINGS,
    "urls_admin.py": ADMIN_URLS,
    "app/admin.py": ADMIN,
    "app/eager.py": EAGER,
    "test_admin.py": ADMIN_TESTS,
}
AS_ERRORS = ("-W", "error::errguard.pytest_plugin.unused_eager.UnusedEagerLoadWarning")


@pytest.fixture
def warned(pytester: pytest.Pytester, backend: Backend) -> Run:
    return run_once(
        pytester,
        "unused-eager",
        FILES,
        "--errguard-unused-eager=warn",
        *AS_ERRORS,
        backend=backend,
    )


def _message(call: str, needle: str, function: str) -> str:
    site = f"app/eager.py:{line_of(EAGER, needle)} in {function}"
    return (
        f"UnusedEagerLoadWarning: unused eager load: {call} at {site}: "
        "loaded for every row, read for none; drop it, or read what it loads"
    )


def test_an_unread_select_related_is_reported_at_its_call_site(warned):
    assert warned.outcomes["test_unread_join"] == "FAILED"
    failure = warned.failure("test_unread_join")
    assert _message("select_related('author')", "unread join", "titles_joined") in failure


def test_a_unittest_method_is_the_body(warned):
    assert warned.outcomes["test_unread_join_in_the_method"] == "FAILED"


def test_the_readme_shows_the_real_warning(warned):
    message = _message("select_related('author')", "unread join", "titles_joined")
    assert message in warned.failure("test_unread_join")
    assert f"\n{message}\n" in (REPO / "README.md").read_text(encoding="utf-8")


def test_an_unread_prefetch_related_is_reported(warned):
    failure = warned.failure("test_unread_prefetch")
    message = _message("prefetch_related('book_set')", "unread prefetch", "author_names_prefetched")
    assert message in failure


@pytest.mark.parametrize(
    ("test", "call", "needle", "function"),
    [
        (
            "test_nested_join_read_partly",
            "select_related('author__profile')",
            "# nested",
            "author_names_nested",
        ),
        (
            "test_nested_prefetch_read_partly",
            "prefetch_related('book_set__tags')",
            "evaluated here",
            "author_titles_nested",
        ),
    ],
)
def test_only_the_unread_part_of_a_nested_lookup_is_reported(warned, test, call, needle, function):
    failure = warned.failure(test)
    assert _message(call, needle, function) in failure
    assert failure.count("unused eager load") == 1, failure


@pytest.mark.parametrize(
    "test",
    [
        "test_join_read_by_one_row",
        "test_empty_result",
        "test_get",
        "test_first",
        "test_read_prefetch",
        "test_read_m2m_prefetch",
        "test_read_reverse_one_to_one_join",
        "test_unread_join_in_a_fixture",
        "test_join_read_by_a_template",
        "test_unread_join_in_set_up",
        "test_unnamed_join",
        "test_prefetch_to_attr",
        "test_join_read_on_copies",
    ],
)
def test_never_reported(warned, test):
    assert warned.outcomes[test] == "PASSED", warned.output


def test_the_wrapped_methods_are_djangos_again_after_the_session(warned):
    assert "patched after the session: []" in warned.output


def test_querysets_evaluated_by_the_admin_are_never_reported(pytester: pytest.Pytester):
    admin = run_once(
        pytester,
        "unused-eager-admin",
        ADMIN_FILES,
        "--ds=settings_admin",
        "-o",
        "errguard_unused_eager=warn",  # the ini setting, this time
        *AS_ERRORS,
    )
    assert admin.outcomes == {
        "test_admin_changelist": "PASSED",
        "test_unread_join_outside_the_admin": "FAILED",
    }, admin.output


def test_off_by_default(pytester: pytest.Pytester):
    quiet = run_once(pytester, "unused-eager-default", FILES, *AS_ERRORS)
    assert set(quiet.outcomes.values()) == {"PASSED"}, quiet.output
    assert "UnusedEagerLoadWarning" not in quiet.output


def test_the_option_and_the_ini_key_are_in_the_help(pytester: pytest.Pytester):
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "*--errguard-unused-eager={warn,off}*",
            "*warn about select_related/prefetch_related lookups whose*",
            "*errguard_unused_eager (string):*",
        ]
    )


def test_an_invalid_setting_is_a_usage_error(pytester: pytest.Pytester):
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("-o", "errguard_unused_eager=loud")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "errguard_unused_eager must be warn or off, not 'loud'" in result.stderr.str()
