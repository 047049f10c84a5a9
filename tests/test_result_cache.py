"""The per-file result cache: a warm run finds exactly what a run without it finds, and checks
again exactly the files whose findings an edit can change (counted by the runner)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from errguard import runner
from errguard.project import forget_projects
from errguard.project.cache import CACHE_DIRECTORY
from tests.conftest import CliResult, run_cli
from tests.test_cli import BARE, write

REPO = Path(__file__).resolve().parent.parent
CORPORA = [
    *sorted(p for p in (REPO / "tests" / "corpus").iterdir() if p.is_dir()),
    REPO / "tests" / "groundtruth" / "nplusone",
    REPO / "tests" / "groundtruth" / "races",
    REPO / "example_project",
]

MODELS = (
    "from django.db import models\n\n\n"
    "class Author(models.Model):\n    name = models.CharField(max_length=9)\n\n\n"
    "class Book(models.Model):\n"
    "    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n"
)
PROJECT = {
    "pyproject.toml": "",
    "shop/__init__.py": "",
    "shop/models.py": MODELS,
    "shop/reports.py": (
        "from shop.models import Book\n\n\n"
        "def names():\n    return [book.author.name for book in Book.objects.all()]\n"
    ),
    "shop/views.py": (
        "from django.shortcuts import render\nfrom shop.models import Book\n\n\n"
        "def books(request):\n"
        '    return render(request, "shop/books.html", {"books": Book.objects.all()})\n'
    ),
    "shop/templates/shop/books.html": "{% for book in books %}{{ book.pk }}{% endfor %}\n",
    "a.py": "import b\n\nX = 1\n",
    "b.py": "Y = 2\n",
    "leaf.py": BARE,
}


def check(*args: str) -> CliResult:
    forget_projects()  # in-process runs share the memoised project; a new process would not
    return run_cli("check", *args)


def codes(result: CliResult) -> list[tuple[str, str]]:
    """(file, code) of each finding of a text report (``path:line:column: CODE message``)."""
    found = (line.split(": ", 2) for line in result.out.splitlines() if ": EG" in line)
    return sorted((where.split(":")[0], code.split()[0]) for where, code, *_ in found)


def rechecked() -> set[str]:
    return {path.as_posix() for path in runner.LAST_RUN.checked_paths}


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda path: path.name)
def test_findings_are_the_same_with_and_without_the_cache(corpus, tmp_path, monkeypatch):
    copy = tmp_path / corpus.name
    shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns(CACHE_DIRECTORY))
    monkeypatch.chdir(copy)
    uncached = check("--no-cache", ".")
    assert not (copy / CACHE_DIRECTORY).exists()
    cold = check(".")
    warm = check(".")
    assert runner.LAST_RUN.checked == 0, rechecked()
    assert runner.LAST_RUN.from_cache > 0
    assert (cold.code, cold.out, cold.err) == (uncached.code, uncached.out, uncached.err)
    assert (warm.code, warm.out, warm.err) == (uncached.code, uncached.out, uncached.err)


@pytest.fixture
def warm(project: Path) -> Path:
    write(project, PROJECT)
    first = check()
    assert codes(first) == [("leaf.py", "EG401"), ("shop/reports.py", "EG101")], first.out
    assert runner.LAST_RUN.checked == 7
    check()
    assert runner.LAST_RUN.checked == 0
    return project


def edit(project: Path, name: str, text: str) -> CliResult:
    """Write ``name`` and check; the result must be the same as without the cache."""
    (project / name).write_text(text, encoding="utf-8")
    uncached = check("--no-cache")
    result = check()
    assert (result.code, result.out) == (uncached.code, uncached.out)
    return result


def test_an_edited_leaf_module_alone_is_checked_again(warm):
    result = edit(warm, "leaf.py", "def f():\n    return 1\n")
    assert rechecked() == {"leaf.py"}
    assert codes(result) == [("shop/reports.py", "EG101")]


def test_a_model_change_checks_again_the_files_that_read_the_models(warm):
    (warm / "shop" / "templates" / "shop" / "books.html").write_text(
        "{% for book in books %}{{ book.author.name }}{% endfor %}\n", encoding="utf-8"
    )
    check()
    without_relation = MODELS.replace("ForeignKey(Author", "CharField(max_length=9, x=Author")
    result = edit(warm, "shop/models.py", without_relation)
    assert rechecked() == {"shop/models.py", "shop/reports.py", "shop/views.py"}
    assert ("shop/reports.py", "EG101") not in codes(result)
    assert ("shop/views.py", "EG103") not in codes(result)
    result = edit(warm, "shop/models.py", MODELS)
    assert rechecked() == {"shop/models.py", "shop/reports.py", "shop/views.py"}
    assert {("shop/reports.py", "EG101"), ("shop/views.py", "EG103")} <= set(codes(result))


def test_an_edit_that_leaves_the_models_as_they_were_checks_only_that_file(warm):
    edit(warm, "shop/models.py", f"{MODELS}\n\ndef helper():\n    return 2\n")
    assert rechecked() == {"shop/models.py"}


def test_creating_and_breaking_an_import_cycle_checks_its_modules_again(warm):
    result = edit(warm, "b.py", "import a\n\nY = a.X\n")
    assert {"a.py", "b.py"} <= rechecked()
    assert "leaf.py" not in rechecked()
    assert {("a.py", "EG501"), ("b.py", "EG501")} <= set(codes(result))
    result = edit(warm, "b.py", "Y = 2\n")
    assert {"a.py", "b.py"} <= rechecked()
    assert not any(code == "EG501" for _, code in codes(result))


def test_an_edited_template_updates_the_finding_of_the_view_that_renders_it(warm):
    template = "shop/templates/shop/books.html"
    result = edit(warm, template, "{% for book in books %}{{ book.author.name }}{% endfor %}\n")
    assert rechecked() == {"shop/views.py"}
    assert ("shop/views.py", "EG103") in codes(result)
    result = edit(warm, template, "{% for book in books %}{{ book.pk }}{% endfor %}\n")
    assert rechecked() == {"shop/views.py"}
    assert ("shop/views.py", "EG103") not in codes(result)


def test_a_new_file_a_function_call_reaches_is_read(warm):
    """A module that did not exist when a file was checked can change its findings."""
    write(warm, {"shop/helpers.py": "def show(book):\n    return book.author.name\n"})
    result = edit(
        warm,
        "shop/reports.py",
        "from shop.helpers import show\nfrom shop.models import Book\n\n\n"
        "def names():\n    return [show(book) for book in Book.objects.all()]\n",
    )
    assert ("shop/reports.py", "EG101") in codes(result)
    result = edit(warm, "shop/helpers.py", "def show(book):\n    return book.pk\n")
    assert "shop/reports.py" in rechecked()
    assert ("shop/reports.py", "EG101") not in codes(result)


def test_no_cache_neither_reads_nor_writes_results(warm):
    results = warm / CACHE_DIRECTORY / "results.json"
    before = results.read_bytes()
    (warm / "leaf.py").write_text("x = 1\n", encoding="utf-8")
    check("--no-cache")
    assert runner.LAST_RUN.checked == 7
    assert results.read_bytes() == before


def test_another_configuration_does_not_use_the_kept_results(warm):
    check("--select", "EG101")
    assert runner.LAST_RUN.checked == 7
    (warm / "pyproject.toml").write_text("[tool.errguard]\nignore = ['EG401']\n")
    result = check()
    assert runner.LAST_RUN.checked == 7
    assert codes(result) == [("shop/reports.py", "EG101")]


@pytest.mark.parametrize(
    "damage",
    [
        "truncated",
        "message-edited",
        "line-a-string-resealed",
        "read-of-unknown-kind-resealed",
    ],
)
def test_a_damaged_results_file_is_ignored_and_rewritten(warm, damage):
    from errguard.project.results import _seal

    path = warm / CACHE_DIRECTORY / "results.json"
    baseline = check("--no-cache")
    document = json.loads(path.read_text())
    if damage == "truncated":
        path.write_text(path.read_text()[:100])
    else:
        for name, entry in document["files"].items():
            for violation in entry["result"]["violations"]:
                if damage.startswith("message-edited"):
                    violation["message"] = "something else"
                elif damage.startswith("line-a-string"):
                    violation["line"] = "1"
            if damage.startswith("read-of-unknown"):
                entry["reads"].append(["elsewhere", "", "", ""])
            if damage.endswith("resealed"):
                entry["check"] = _seal(name, entry["key"], entry["reads"], entry["result"])
        path.write_text(json.dumps(document))
    result = check()
    assert (result.code, result.out) == (baseline.code, baseline.out)
    assert check().out == baseline.out
    assert runner.LAST_RUN.checked == 0, "rewritten"


def test_fix_reads_only_the_files_with_something_to_fix(warm):
    first = run_cli("fix")
    assert first.code == 0, first.err
    assert rechecked() == {"leaf.py", "shop/reports.py"}, "the check after the fixes"
    again = run_cli("fix")
    assert again.code == 0, again.err
    assert runner.LAST_RUN.checked == 0
    assert runner.LAST_RUN.from_cache == 7


def test_turning_atomic_requests_on_in_settings_rechecks_the_views(warm):
    """EG203 reads the settings files (``ATOMIC_REQUESTS``) beside the view's own module."""
    view = (
        "from django.core.mail import send_mail\nfrom shop.models import Author\n\n\n"
        "def signup(request):\n"
        '    Author.objects.create(name="x")\n'
        '    send_mail("hello", "body", "a@example.com", ["b@example.com"])\n'
    )
    files = {"shop/accounts/__init__.py": "", "shop/accounts/views.py": view}
    write(warm, {**files, "shop/settings.py": "DEBUG = False\n"})
    before = check()
    assert ("shop/accounts/views.py", "EG203") not in codes(before)
    result = edit(
        warm,
        "shop/settings.py",
        'DATABASES = {"default": {"ENGINE": "x", "ATOMIC_REQUESTS": True}}\n',
    )
    assert ("shop/accounts/views.py", "EG203") in codes(result)
    assert "leaf.py" not in rechecked()
    result = edit(warm, "shop/settings.py", "DEBUG = False\n")
    assert ("shop/accounts/views.py", "EG203") not in codes(result)
