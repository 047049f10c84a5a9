"""The Django-free parts of the queries plugin: SQL shapes, call sites, patches, reports, stats."""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

import pytest

from errguard.queries.callsite import CallSite, CallSiteFinder
from errguard.queries.findings import LazyLoad, repeated_query
from errguard.queries.log import QueryLog
from errguard.queries.normalize import display, is_bookkeeping, is_read, shape
from errguard.queries.patching import PatchStack
from errguard.queries.report import count_failure, expectation
from errguard.queries.session import QueryStats

AUTHOR_BY_ID = (
    'SELECT "app_author"."id", "app_author"."name" FROM "app_author" '
    'WHERE "app_author"."id" = %s LIMIT 21'
)


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (AUTHOR_BY_ID, AUTHOR_BY_ID.replace("%s", "?").replace("21", "?")),
        (
            "select * from t where name = 'it''s' and n = 4.5",
            "SELECT * FROM t WHERE name = ? AND n = ?",
        ),
        ("SELECT 1 FROM t WHERE id IN (%s, %s, %s)", "SELECT ? FROM t WHERE id IN (...)"),
        ("SELECT 1 FROM t WHERE id IN (%s)", "SELECT ? FROM t WHERE id IN (...)"),
        ("INSERT INTO t (a, b) VALUES (%s, %s), (%s, %s)", "INSERT INTO t (a, b) VALUES (...)"),
        ("SELECT a FROM t  -- note\n WHERE b = %(b)s", "SELECT a FROM t WHERE b = ?"),
    ],
)
def test_shape_strips_literals_and_keeps_identifiers(sql, expected):
    assert shape(sql) == expected


def test_statements_differing_only_in_literals_share_a_shape():
    assert shape("SELECT x FROM t WHERE id IN (1, 2)") == shape("SELECT x FROM t WHERE id IN (7)")
    assert shape('SELECT "a" FROM t') != shape('SELECT "b" FROM t')


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (AUTHOR_BY_ID, 'SELECT ... FROM "app_author" WHERE "app_author"."id" = %s LIMIT 21'),
        ('SELECT COUNT(*) AS "__count" FROM "t"', 'SELECT COUNT(*) AS "__count" FROM "t"'),
        ('SELECT DISTINCT "t"."a", "t"."b" FROM "t"', 'SELECT DISTINCT ... FROM "t"'),
        ("SELECT f(a, b) FROM t", "SELECT f(a, b) FROM t"),
        ("SELECT a, (SELECT 1 FROM u) FROM t", "SELECT ... FROM t"),
        ("UPDATE t SET a = 1,\n  b = 2", "UPDATE t SET a = 1, b = 2"),
    ],
)
def test_display_abbreviates_column_lists_only(sql, expected):
    assert display(sql) == expected


def test_display_truncates_very_long_statements():
    shown = display("UPDATE t SET " + ", ".join(f"c{i} = 1" for i in range(200)))
    assert len(shown) == 300
    assert shown.endswith("...")


@pytest.mark.parametrize(
    ("sql", "read"),
    [
        ("SELECT 1", True),
        ("  with x as (select 1) select * from x", True),
        ("INSERT INTO t", False),
    ],
)
def test_is_read(sql, read):
    assert is_read(sql) is read


@pytest.mark.parametrize(
    "sql",
    [
        "BEGIN",
        "BEGIN IMMEDIATE",
        "COMMIT",
        "ROLLBACK",
        'SAVEPOINT "s140_x1"',
        'RELEASE SAVEPOINT "s140_x1"',
        'ROLLBACK TO SAVEPOINT "s140_x1"',
        "SET CONSTRAINTS ALL IMMEDIATE",
        "SET CONSTRAINTS ALL DEFERRED",
        "PRAGMA foreign_key_check",
        'PRAGMA foreign_key_check("app_tag")',
        "PRAGMA foreign_keys = OFF",
        "  begin ; ",
    ],
)
def test_transaction_and_constraint_control_is_bookkeeping(sql):
    assert is_bookkeeping(sql, None)


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        ("BEGIN DBMS_STATS.GATHER_TABLE_STATS('APP', 'T'); END;", None),  # Oracle PL/SQL
        ('INSERT INTO "savepoint" VALUES (1)', None),
        ("SAVEPOINTS", None),
        ("PRAGMA table_info(t)", None),
        ("SELECT 1", None),
        ("BEGIN", ()),  # statements with parameters are never bookkeeping
        (b"BEGIN", None),
    ],
)
def test_other_statements_are_not_bookkeeping(sql, params):
    assert not is_bookkeeping(sql, params)


def test_patch_stack_restores_exactly_in_reverse_order():
    class Base:
        def method(self):
            return "base"

    class Child(Base):
        pass

    module = types.ModuleType("scratch")
    module.value = 1
    patches = PatchStack()
    patches.setattr(Child, "method", lambda self: "first")
    patches.setattr(Child, "method", lambda self: "second")
    patches.setattr(module, "value", 2)
    patches.setattr(module, "added", 3)
    assert Child().method() == "second"
    assert len(patches) == 4
    patches.undo()
    assert "method" not in vars(Child)  # Child never defined it: deleted, not copied down
    assert Child().method() == "base"
    assert module.value == 1
    assert not hasattr(module, "added")
    assert len(patches) == 0


def _frame_in(filename: str, function: str = "caller"):
    """A real frame whose code claims ``filename``, as if that file had called us."""
    source = f"def {function}():\n    import sys\n    return sys._getframe()\n"
    namespace: dict[str, object] = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace[function]()


def test_library_frames_are_skipped(tmp_path):
    finder = CallSiteFinder(tmp_path)
    project_file = str(tmp_path / "app" / "views.py")
    assert not finder.is_library_file(project_file)
    assert not finder.is_library_file(__file__)  # this repository's tests are project code
    for module in (pytest, os, sys.modules["errguard"]):
        assert finder.is_library_file(module.__file__), module
    assert finder.is_library_file("/opt/env/lib/python3.11/site-packages/pkg/mod.py")
    assert finder.is_library_file("<frozen importlib._bootstrap>")
    key = finder.find(_frame_in(project_file, "index"))
    assert key == (project_file, 3, "index")
    assert finder.resolve(key) == CallSite("app/views.py", 3, "index", project_file)


def test_call_site_outside_the_rootdir_keeps_its_absolute_path(tmp_path):
    finder = CallSiteFinder(tmp_path / "root")
    elsewhere = str(tmp_path / "elsewhere" / "mod.py")
    call_site = finder.resolve(finder.find(_frame_in(elsewhere)))
    assert call_site.path == Path(elsewhere).as_posix()
    assert str(call_site) == f"{call_site.path}:3 in caller"


def test_comprehension_frames_are_named_after_their_function(tmp_path):
    finder = CallSiteFinder(tmp_path)
    source = "import sys\ndef report():\n    return [sys._getframe() for _ in (1,)][0]\n"
    namespace: dict[str, object] = {}
    exec(compile(source, str(tmp_path / "r.py"), "exec"), namespace)
    call_site = finder.resolve(finder.find(namespace["report"]()))
    assert call_site.function == "report"


def test_library_frames_are_walked_past_to_their_caller(tmp_path):
    finder = CallSiteFinder(tmp_path)
    filename, _, function = finder.find(_frame_in("/opt/env/lib/python3.11/site-packages/pkg.py"))
    assert (filename, function) == (__file__, "_frame_in")  # the caller of the library frame
    assert finder.find(None) is None
    assert finder.resolve(None) is None


def _log_with(tmp_path, *queries):
    log = QueryLog(CallSiteFinder(tmp_path))
    for sql, alias, filename, line in queries:
        log.records.append(
            (sql, 1, 0.001, alias, (str(tmp_path / filename), line, "f"), 1, False, 1, ())
        )
    return log


def test_count_failure_groups_and_numbers(tmp_path):
    queries = [(AUTHOR_BY_ID, "default", "r.py", 9)] * 3 + [
        ('SELECT "b" FROM "book"', "default", "r.py", 8)
    ]
    log = _log_with(tmp_path, *queries)
    text = count_failure(expectation("at most", 1, None), log.entries())
    assert text.splitlines() == [
        "Expected at most 1 query, 4 were executed:",
        '  3x SELECT ... FROM "app_author" WHERE "app_author"."id" = ? LIMIT ?  — r.py:9 in f',
        '  1x SELECT "b" FROM "book"  — r.py:8 in f',
        "In order:",
        '  1. SELECT ... FROM "app_author" WHERE "app_author"."id" = %s LIMIT 21  — r.py:9 in f',
        '  2. SELECT ... FROM "app_author" WHERE "app_author"."id" = %s LIMIT 21  — r.py:9 in f',
        '  3. SELECT ... FROM "app_author" WHERE "app_author"."id" = %s LIMIT 21  — r.py:9 in f',
        '  4. SELECT "b" FROM "book"  — r.py:8 in f',
    ]


def test_count_failure_shows_aliases_and_several_call_sites(tmp_path):
    log = _log_with(
        tmp_path,
        ("SELECT 1", "default", "a.py", 1),
        ("SELECT 1", "default", "b.py", 2),
        ("SELECT 1", "default", "b.py", 2),
        ("SELECT 1", "other", "a.py", 1),
    )
    text = count_failure(expectation("exactly", 2, None), log.entries())
    assert "  3x [default] SELECT ?  — b.py:2 in f (2x), a.py:1 in f (1x)" in text
    assert "  1x [other] SELECT ?  — a.py:1 in f" in text
    assert "  4. [other] SELECT 1  — a.py:1 in f" in text


def test_count_failure_caps_the_numbered_list(tmp_path):
    log = _log_with(tmp_path, *[("SELECT 1", "default", "a.py", 1)] * 60)
    text = count_failure(expectation("at most", 5, "default"), log.entries())
    assert text.startswith('Expected at most 5 queries on "default", 60 were executed:')
    assert "  50. SELECT 1" in text
    assert "  51. " not in text
    assert text.endswith("  ... and 10 more")


def test_fix_texts(tmp_path):
    origin = CallSite("app/r.py", 8, "f", str(tmp_path / "app/r.py"))

    def fix(kind, path="author", through_many=False, prefetched=False, site=origin):
        return LazyLoad("Book", "author", kind, path, through_many, prefetched, site).fix()

    assert fix("single") == 'add .select_related("author") to the queryset iterated at app/r.py:8'
    assert fix("single", through_many=True).startswith('add .prefetch_related("author")')
    assert fix("many", "tags").startswith('add .prefetch_related("tags")')
    assert fix("single", site=None).endswith("to the queryset that loaded them")
    assert fix("deferred", "summary").startswith('stop deferring "summary": drop it from .defer()')
    assert 'Prefetch("book_set", queryset=...)' in fix("many", "book_set", prefetched=True)


def test_stats_merge_like_a_single_run(tmp_path):
    site = CallSite("app/r.py", 9, "f", "/x/app/r.py")
    finding = repeated_query("SELECT ?", site, 6)
    single, left, right, merged = QueryStats(), QueryStats(), QueryStats(), QueryStats()
    for stats, nodeid in (
        (single, "t.py::a"),
        (left, "t.py::a"),
        (single, "t.py::b"),
        (right, "t.py::b"),
    ):
        stats.add_test(nodeid, total=10, body=6, findings=[finding])
    merged.merge_json(left.to_json())
    merged.merge_json(right.to_json())
    assert merged.summary_lines()[1:] == single.summary_lines()[1:]
    assert single.summary_lines()[0] == (
        "20 queries in 2 tests: 12 in test bodies, 8 in setup and teardown"
    )
    assert merged.summary_lines() == [
        "20 queries in 2 tests: 12 in test bodies, 8 in setup and teardown"
        " (each of the 2 xdist workers sets up its own test database)",
        "Most queries in a test body:",
        "  6  t.py::a",
        "  6  t.py::b",
        "N+1 queries: 1 distinct pattern",
        "  the same query ran repeatedly at app/r.py:9 in f: SELECT ? (12 times in 2 tests)",
        f"    fix: {finding.fix}",
        "    t.py::a",
        "    t.py::b",
    ]


def test_stats_without_tests_print_nothing():
    assert QueryStats().summary_lines() == []


def test_budget_failures_merge_across_workers_and_end_the_summary():
    left, right, merged = QueryStats(), QueryStats(), QueryStats()
    left.add_test("t.py::a", total=3, body=3, findings=[])
    left.add_budget_failure("t.py::a")
    right.add_test("t.py::b", total=1, body=1, findings=[])
    assert not right.has_problems
    merged.merge_json(left.to_json())
    merged.merge_json(right.to_json())
    assert merged.has_problems
    assert merged.summary_lines()[-2:] == ["Query budget exceeded in 1 test:", "  t.py::a"]
