"""bench/realworld/runtime.py: reading the plugin's N+1 summaries, matching findings, triage."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def runtime() -> ModuleType:
    sys.path.insert(0, str(REPO / "bench" / "realworld"))
    try:
        return importlib.import_module("runtime")
    finally:
        sys.path.remove(str(REPO / "bench" / "realworld"))


def _item(summary, fix="load the rows in one query", tests=("t.py::a",), count=6):
    return {"summary": summary, "fix": fix, "count": count, "tests": list(tests)}


def test_a_lazy_load_summary_becomes_a_site_with_its_origin(runtime):
    item = _item(
        "Book.author loaded lazily at app/reports.py:9 in book_author_names",
        fix='add .select_related("author") to the queryset iterated at app/reports.py:8',
        tests=("t.py::b", "t.py::a"),
    )
    site = runtime.parse_site("lazy:Book.author:app/reports.py:9", item)
    assert (site["kind"], site["path"], site["line"]) == ("lazy load", "app/reports.py", 9)
    assert (site["function"], site["relation"]) == ("book_author_names", "Book.author")
    assert site["origin"] == "app/reports.py:8"
    assert (site["tests"], site["example_tests"]) == (2, ["t.py::a", "t.py::b"])


def test_a_repeated_query_summary_keeps_its_sql_and_a_site_outside_project_code_has_no_path(
    runtime,
):
    inside = runtime.parse_site(
        "k", _item('the same query ran repeatedly at app/x.py:3 in f: SELECT ... FROM "a"')
    )
    assert (inside["kind"], inside["line"], inside["query"]) == (
        "repeated query",
        3,
        'SELECT ... FROM "a"',
    )
    outside = runtime.parse_site(
        "k", _item("the same query ran repeatedly at a call site outside project code: SELECT 1")
    )
    assert (outside["path"], outside["line"], outside["query"]) == (None, None, "SELECT 1")


def _finding(path, line, message):
    return {"path": path, "line": line, "code": "EG101", "message": message}


def test_a_finding_flags_a_site_on_its_line_or_on_its_loop_for_the_same_relation(runtime):
    site = {"path": "app/models.py", "line": 40, "relation": "Attachment.email",
            "origin": "app/cmd.py:64"}  # fmt: skip
    loop = "N+1: a._get_folder(), which reads self.email (Attachment.email → Email) ... at line 64"
    assert runtime.flagging(site, [_finding("app/cmd.py", 66, loop)]) == ["app/cmd.py:66 EG101"]
    other = "N+1: page.parent (Page.parent → Page) ... at line 64"
    assert runtime.flagging(site, [_finding("app/cmd.py", 70, other)]) == []
    on_line = _finding("app/models.py", 40, "N+1: anything")
    assert runtime.flagging(site, [on_line]) == ["app/models.py:40 EG101"]
    named = {**site, "static": ["app/cmd.py:70"]}
    assert runtime.flagging(named, [_finding("app/cmd.py", 70, other)]) == ["app/cmd.py:70 EG101"]


@pytest.mark.parametrize(
    ("site", "settled"),
    [
        ({"path": None}, True),
        ({"path": "app/tests/test_views.py"}, True),
        ({"path": "app/test_utils/project/models.py"}, True),
        ({"path": "app/views.py", "most_in_one_call": {"t": 1, "u": 1}}, True),
        ({"path": "app/views.py", "most_in_one_call": {"t": 1, "u": 3}}, False),
        ({"path": "app/views.py"}, False),
    ],
)
def test_triage_settles_only_what_needs_no_reading(runtime, site, settled):
    assert (runtime._rule(site) is not None) is settled
