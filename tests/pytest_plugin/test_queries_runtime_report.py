"""``pytest --errguard-report=FILE`` and ``errguard fix --from-report FILE``: the tests find the
N+1s, the fix applies what the linter's own checks agree with, and the tests then pass."""

from __future__ import annotations

import io
import json

import pytest

from errguard.cli import main
from tests.pytest_plugin.queries_project import (
    MODELS,
    REPORTS,
    reports_line,
    run,
    write,
    write_project,
)

LOAD_TESTS = """
from app import reports


def test_names(catalogue):
    reports.book_author_names()


def test_titles(catalogue):
    reports.author_titles()


def test_page(catalogue, client):
    assert client.get("/books/page/").status_code == 200


def test_labels(catalogue):
    reports.label_counts(["a", "b", "c", "d", "e", "f", "g"])
"""


@pytest.fixture
def reported(pytester):
    write_project(pytester)
    write(pytester, "test_loads.py", LOAD_TESTS)
    first = run(pytester, "-n", "2", "--errguard-report=out/report.json")
    assert set(first.outcomes.values()) == {"PASSED"}, first.output  # --nplusone=warn
    return pytester


def _report(pytester: pytest.Pytester) -> dict[str, object]:
    return json.loads((pytester.path / "out" / "report.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_report_holds_every_finding_of_every_worker(reported):
    report = _report(reported)
    assert report["version"] == 1
    assert report["rootdir"] == str(reported.path)
    findings = {item["test"]: item for item in report["findings"]}
    assert sorted(findings) == [
        f"test_loads.py::test_{name}" for name in ("labels", "names", "page", "titles")
    ]
    assert findings["test_loads.py::test_names"] == {
        "test": "test_loads.py::test_names",
        "kind": "lazy_load",
        "summary": "Book.author loaded lazily at app/reports.py:9 in book_author_names",
        "count": 6,
        "model": "Book",
        "attribute": "author",
        "relation": "single",
        "path": "author",
        "method": "select_related",
        "queryset": {"path": "app/reports.py", "line": 8, "function": "book_author_names"},
        "site": {"path": "app/reports.py", "line": 9, "function": "book_author_names"},
        "fix": 'add .select_related("author") to the queryset iterated at app/reports.py:8',
    }
    labels = findings["test_loads.py::test_labels"]
    assert (labels["kind"], labels["count"], labels["site"]["line"]) == (
        "repeated_query",
        7,
        reports_line("# per label"),
    )
    assert (
        labels["sql"] == 'SELECT COUNT(*) AS "__count" FROM "app_tag" WHERE "app_tag"."label" = ?'
    )


def test_fix_from_report_applies_what_eg101_confirms_and_the_tests_pass(reported, monkeypatch):
    monkeypatch.chdir(reported.path)
    # A load whose queryset line is not the loop EG101 fixes: named, and left alone.
    report = _report(reported)
    for item in report["findings"]:
        if item["test"].endswith("test_names"):
            item["queryset"]["line"] = 7  # not the loop's line: no EG101 fix there
    (reported.path / "moved.json").write_text(json.dumps(report), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    main(["fix", "--from-report", "moved.json", "--diff", "app"], out, err)
    assert (
        "errguard: Book.author loaded lazily at app/reports.py:9 in book_author_names "
        "(test_loads.py::test_names): not fixed, EG101 does not fix this loop at "
        'app/reports.py:7 (no finding with .select_related("author") there, or its fix did not '
        "pass)"
    ) in err.getvalue(), err.getvalue()
    assert 'Book.objects.select_related("author"):' not in out.getvalue(), out.getvalue()
    assert 'Author.objects.prefetch_related("book_set")]' in out.getvalue(), out.getvalue()

    out, err = io.StringIO(), io.StringIO()
    status = main(["fix", "--from-report", "out/report.json", "app"], out, err)
    assert status == 1, err.getvalue()  # EG101 findings no test ran into remain
    fixed = (reported.path / "app" / "reports.py").read_text(encoding="utf-8")
    expected = REPORTS.replace(
        "    for book in Book.objects.all():\n        names.append",
        '    for book in Book.objects.select_related("author"):\n        names.append',
    ).replace(
        "for a in Author.objects.all()]  # reverse FK",
        'for a in Author.objects.prefetch_related("book_set")]  # reverse FK',
    )
    assert fixed == expected.lstrip("\n")
    labels = reports_line("# per label")
    assert err.getvalue() == (
        f"errguard: the same query ran repeatedly at app/reports.py:{labels} in label_counts: "
        'SELECT COUNT(*) AS "__count" FROM "app_tag" WHERE "app_tag"."label" = ? '
        "(test_loads.py::test_labels): not fixed, no select_related/prefetch_related to add\n"
        "errguard: Book.author loaded lazily at app/templates/books.html:3 in "
        "{{ book.author.name }} (test_loads.py::test_page): not fixed, the queryset is not "
        "iterated in Python code\n"
        "Fixed 2 findings in 1 file; 12 remaining.\n"
    ), err.getvalue()

    after = run(reported, "--nplusone=fail", "-k", "names or titles")
    assert after.outcomes == {"test_names": "PASSED", "test_titles": "PASSED"}, after.output


def test_an_unreadable_report_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.json").write_text("[]", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["fix", "--from-report", "report.json", "."], out, err) == 2
    assert "report.json: not an errguard runtime report" in err.getvalue()


COMPREHENSION = """
from app.models import Book


def book_author_names():
    return [
        book.author.name
        for book in Book.objects.all()
    ]
"""


def test_a_comprehension_is_matched_at_its_first_line(tmp_path, monkeypatch):
    """Before Python 3.13 a comprehension iterates at its first line, not at its ``for``: the
    report's line 5 confirms EG101's fix of the queryset on line 7."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "models.py").write_text(MODELS.lstrip("\n"), encoding="utf-8")
    (tmp_path / "app" / "reports.py").write_text(COMPREHENSION.lstrip("\n"), encoding="utf-8")
    finding = {
        "test": "test_loads.py::test_names",
        "kind": "lazy_load",
        "summary": "Book.author loaded lazily at app/reports.py:6 in book_author_names",
        "method": "select_related",
        "path": "author",
        "queryset": {"path": "app/reports.py", "line": 5, "function": "book_author_names"},
    }
    report = {"version": 1, "rootdir": str(tmp_path), "findings": [finding]}
    (tmp_path / "report.json").write_text(json.dumps(report), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["fix", "--from-report", "report.json", "app"], out, err) == 0, err.getvalue()
    fixed = (tmp_path / "app" / "reports.py").read_text(encoding="utf-8")
    assert 'for book in Book.objects.select_related("author")\n' in fixed, fixed
    assert err.getvalue() == "Fixed 1 finding in 1 file; 0 remaining.\n"
