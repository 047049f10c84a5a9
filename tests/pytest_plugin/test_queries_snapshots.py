"""Query snapshots: ``queries.snapshot()`` and ``@pytest.mark.query_snapshot``, written on a first
run, compared on the next, updated on request, in real pytest-django runs (SQLite, PostgreSQL)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.pytest_plugin.backends import SQLITE, Backend
from tests.pytest_plugin.queries_project import REPORTS, Run, run, write, write_project

SNAPSHOT_TESTS = """
import threading

import pytest
from django.db import connections

from app import reports
from app.knobs import LOOKUPS
from app.models import Author, Book


def count_in_thread():
    try:
        Author.objects.count()
    finally:
        connections.close_all()


@pytest.mark.query_snapshot
def test_marker(catalogue):
    reports.book_author_names()


def test_blocks(catalogue, queries):
    with queries.snapshot():
        for pk in range(LOOKUPS):
            Author.objects.filter(pk=pk).exists()
    with queries.snapshot("names"):
        reports.book_author_names()


@pytest.mark.django_db(databases=["default", "other"], transaction=True)
def test_every_alias_and_thread(queries):
    with queries.snapshot():
        thread = threading.Thread(target=count_in_thread)
        thread.start()
        thread.join()
        Book.objects.using("other").count()
"""

AUTHOR = 'SELECT "app_author"."id", "app_author"."name" FROM "app_author"'
BOOK = 'SELECT "app_book"."id", "app_book"."title", "app_book"."summary", "app_book"."author_id"'
SITE = "app/reports.py in book_author_names"
NAMES = [
    {"alias": "default", "count": 1, "site": SITE, "sql": f'{BOOK} FROM "app_book"'},
    {
        "alias": "default",
        "count": 6,
        "site": SITE,
        "sql": f'{AUTHOR} WHERE "app_author"."id" = ? LIMIT ?',
    },
]
EXPECTED = {
    "test_blocks": {
        "1": [
            {
                "alias": "default",
                "count": 3,
                "site": "test_snap.py in test_blocks",
                "sql": 'SELECT ? AS "a" FROM "app_author" WHERE "app_author"."id" = ? LIMIT ?',
            }
        ],
        "names": NAMES,
    },
    "test_every_alias_and_thread": {
        "1": [
            {
                "alias": "default",
                "count": 1,
                "site": "test_snap.py in count_in_thread",
                "sql": 'SELECT COUNT(*) AS "__count" FROM "app_author"',
            },
            {
                "alias": "other",
                "count": 1,
                "site": "test_snap.py in test_every_alias_and_thread",
                "sql": 'SELECT COUNT(*) AS "__count" FROM "app_book"',
            },
        ]
    },
    "test_marker": {"body": NAMES},
}


SNAPSHOT_FILE = "__query_snapshots__/test_snap.json"


def _snapshot_run(pytester: pytest.Pytester, *args: str) -> Run:
    return run(pytester, "-p", "no:randomly", *args)


def _project(pytester: pytest.Pytester, backend: Backend = SQLITE) -> pytest.Pytester:
    write_project(pytester, backend)
    write(pytester, "app/knobs.py", "LOOKUPS = 3\n")
    write(pytester, "test_snap.py", SNAPSHOT_TESTS)
    return pytester


@pytest.fixture(autouse=True)
def _not_on_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)  # CI set means check mode; these runs start without


def _stored(pytester: pytest.Pytester, module: str = "test_snap") -> Any:
    path = pytester.path / "__query_snapshots__" / f"{module}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _message(failure: str) -> str:
    """A failure raised in the test (not by a hook) as its text, without pytest's ``E`` margin."""
    return re.sub(r"(?m)^E {7}", "", failure)


def test_first_run_writes_then_an_unchanged_run_passes(pytester, backend):
    project = _project(pytester, backend)
    first = _snapshot_run(project)
    assert backend.header in first.output, first.output
    assert set(first.outcomes.values()) == {"PASSED"}, first.output
    assert _stored(project) == EXPECTED
    path = project.path / "__query_snapshots__" / "test_snap.json"
    written = path.read_bytes()
    second = _snapshot_run(project)
    assert set(second.outcomes.values()) == {"PASSED"}, second.output
    assert path.read_bytes() == written


def test_a_change_fails_with_a_diff_until_updated(pytester):
    project = _project(pytester)
    _snapshot_run(project)
    joined = REPORTS.replace("Book.objects.all()", 'Book.objects.select_related("author")', 1)
    write(project, "app/reports.py", joined)
    write(project, "app/knobs.py", "LOOKUPS = 4\n")
    changed = _snapshot_run(project)
    assert changed.outcomes == {
        "test_marker": "FAILED",
        "test_blocks": "FAILED",
        "test_every_alias_and_thread": "PASSED",
    }, changed.output
    marker = changed.failure("test_marker")
    join = 'INNER JOIN "app_author" ON ("app_book"."author_id" = "app_author"."id")'
    assert (
        'The query snapshot "body" of test_marker differs from '
        "__query_snapshots__/test_snap.json:\n"
        f'  + 1x [default] SELECT ... FROM "app_book" {join}  — {SITE}\n'
        f'  - 1x [default] SELECT ... FROM "app_book"  — {SITE}\n'
        f'  - 6x [default] SELECT ... FROM "app_author" WHERE "app_author"."id" = ? LIMIT ?'
        f"  — {SITE}\n"
        "Run pytest with --errguard-snapshot=update to accept the queries as they are now."
    ) in marker, marker
    blocks = _message(changed.failure("test_blocks"))
    assert (
        'QuerySnapshotError: The query snapshot "1" of test_blocks differs from '
        "__query_snapshots__/test_snap.json:\n"
        '  ~ 3x -> 4x [default] SELECT ? AS "a" FROM "app_author" WHERE "app_author"."id" = ?'
        " LIMIT ?  — test_snap.py in test_blocks\n"
    ) in blocks, blocks
    assert _stored(project) == EXPECTED  # a failing comparison writes nothing

    # The update also drops the snapshot test_blocks no longer takes.
    without_lookups = SNAPSHOT_TESTS.replace("    with queries.snapshot():\n", "    if True:\n", 1)
    write(project, "test_snap.py", without_lookups)
    updated = _snapshot_run(project, "--errguard-snapshot=update")
    assert set(updated.outcomes.values()) == {"PASSED"}, updated.output
    stored = _stored(project)
    assert sorted(stored["test_blocks"]) == ["names"]
    assert [entry["sql"][-30:] for entry in stored["test_marker"]["body"]] == [join[-30:]]
    again = _snapshot_run(project)
    assert set(again.outcomes.values()) == {"PASSED"}, again.output


def test_check_mode_fails_on_a_missing_snapshot_and_a_broken_file_fails(pytester, monkeypatch):
    project = _project(pytester)
    checked = _snapshot_run(project, "--errguard-snapshot=check")
    assert set(checked.outcomes.values()) == {"FAILED"}, checked.output
    assert (
        'No query snapshot "body" of test_marker in __query_snapshots__/test_snap.json '
        "(--errguard-snapshot=check, or CI set).\n"
        f'    1x [default] SELECT ... FROM "app_book"  — {SITE}\n'
        f'    6x [default] SELECT ... FROM "app_author" WHERE "app_author"."id" = ? LIMIT ?'
        f"  — {SITE}\n"
        "Run pytest with --errguard-snapshot=update (or without CI) to write it."
    ) in checked.failure("test_marker"), checked.output
    assert not (project.path / "__query_snapshots__").exists()

    monkeypatch.setenv("CI", "true")
    on_ci = _snapshot_run(project)
    assert set(on_ci.outcomes.values()) == {"FAILED"}, on_ci.output
    assert "No query snapshot" in on_ci.failure("test_marker"), on_ci.output
    ini = (project.path / "pytest.ini").read_text()
    (project.path / "pytest.ini").write_text(ini + "errguard_snapshot = auto\n")
    written = _snapshot_run(project)
    assert set(written.outcomes.values()) == {"PASSED"}, written.output
    assert _stored(project) == EXPECTED

    conflicted = "<<<<<<< HEAD\n" + (project.path / SNAPSHOT_FILE).read_text()
    (project.path / SNAPSHOT_FILE).write_text(conflicted)
    broken = _snapshot_run(project)
    assert set(broken.outcomes.values()) == {"FAILED"}, broken.output
    assert (
        f"{project.path / SNAPSHOT_FILE}: not a query snapshot file: Expecting value: line 1"
        in broken.failure("test_marker")
    ), broken.output
    assert (project.path / SNAPSHOT_FILE).read_text() == conflicted


MANY_TESTS = """
import pytest

from app.models import Author, Book


@pytest.mark.parametrize("number", range(8))
@pytest.mark.query_snapshot
def test_each(db, number):
    for _ in range(number):
        Author.objects.exists()
    Book.objects.count()


@pytest.mark.query_snapshot(name="")
def test_bad_name(db):
    pass


def test_same_name_twice(db, queries):
    with queries.snapshot("twice"):
        Book.objects.count()
    with queries.snapshot("twice"):
        Book.objects.count()
"""


def test_xdist_workers_merge_their_tests_into_one_file(pytester):
    write_project(pytester)
    write(pytester, "test_many.py", MANY_TESTS)
    many = _snapshot_run(pytester, "-n", "2")
    assert many.outcomes.pop("test_bad_name") == "FAILED", many.output
    assert many.outcomes.pop("test_same_name_twice") == "FAILED", many.output
    assert set(many.outcomes.values()) == {"PASSED"}, many.output
    assert "2 workers [10 items]" in many.output, many.output
    stored = _stored(pytester, "test_many")
    each = sorted(f"test_each[{n}]" for n in range(8))
    assert sorted(stored) == [*each, "test_same_name_twice"]  # its first "twice" was written
    for number in range(8):
        entries = stored[f"test_each[{number}]"]["body"]
        assert [entry["count"] for entry in entries] == ([number] if number else []) + [1]
    assert "@pytest.mark.query_snapshot: name= expects a non-empty str, got ''" in many.failure(
        "test_bad_name"
    ), many.output
    assert (
        'query snapshot "twice" taken twice in test_same_name_twice: give each its own name'
        in many.failure("test_same_name_twice")
    ), many.output
