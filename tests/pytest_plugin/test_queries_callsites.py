"""Which frames are project, test or library code, and which call from a test a query is in."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from errguard.queries.callsite import NO_CALL, CallSiteFinder
from errguard.queries.codekinds import LIBRARY, PROJECT, TEST, CodeKinds


def _compile_functions(filename: Path, source: str) -> dict[str, object]:
    namespace: dict[str, object] = {"sys": sys}
    exec(compile(source, str(filename), "exec"), namespace)
    return namespace


def test_a_virtualenvs_files_and_console_scripts_are_library_code(tmp_path):
    venv = tmp_path / "elsewhere" / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    kinds = CodeKinds(tmp_path / "project")
    assert kinds.kind(str(venv / "bin" / "pytest")) == LIBRARY
    assert kinds.kind(str(venv / "lib" / "mod.py")) == LIBRARY
    assert kinds.kind(str(tmp_path / "project" / "app" / "views.py")) == PROJECT


def test_a_virtualenv_holding_the_project_does_not_make_it_library_code(tmp_path):
    (tmp_path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    kinds = CodeKinds(tmp_path)
    assert kinds.kind(str(tmp_path / "app" / "views.py")) == PROJECT


def test_test_files_by_name_directory_and_patterns(tmp_path):
    kinds = CodeKinds(tmp_path, ["test_*.py", "*_tests.py", "check_*.py"])
    for test_file in (
        "app/tests.py",
        "conftest.py",
        "app/tests/helpers.py",
        "test/factories.py",
        "cms/test_utils/project/views.py",
        "test_views.py",
        "app/views_tests.py",
        "app/check_views.py",
    ):
        assert kinds.kind(str(tmp_path / test_file)) == TEST, test_file
    for project_file in ("app/views.py", "app/testing.py", "contest.py", "app/latest/views.py"):
        assert kinds.kind(str(tmp_path / project_file)) == PROJECT, project_file


def test_test_directories_above_the_rootdir_do_not_count(tmp_path):
    root = tmp_path / "tests" / "project"
    assert CodeKinds(root).kind(str(root / "app" / "views.py")) == PROJECT


PROJECT_CODE = """
def lookup():
    return sys._getframe()


def lookups(n):
    return [lookup() for _ in range(n)]
"""

TEST_CODE = """
def test_two_calls(project):
    return [project["lookup"](), project["lookup"]()]


def test_one_call_with_a_loop(project):
    return project["lookups"](2)


def test_own_query():
    return sys._getframe()
"""


def _finder_and_code(tmp_path):
    finder = CallSiteFinder(tmp_path)
    project = _compile_functions(tmp_path / "app" / "reports.py", PROJECT_CODE)
    tests = _compile_functions(tmp_path / "tests" / "test_reports.py", TEST_CODE)
    return finder, project, tests


def test_separate_calls_from_a_test_get_separate_serials(tmp_path):
    finder, project, tests = _finder_and_code(tmp_path)
    frames = tests["test_two_calls"](project)
    me = threading.get_ident()
    (site_a, call_a), (site_b, call_b) = (finder.locate(frame, me) for frame in frames)
    assert site_a == site_b
    assert NO_CALL not in (call_a, call_b)
    # The first call's frame has returned; the second cannot pass for it, even at its address.
    assert call_a != call_b


def test_a_loop_inside_one_call_shares_its_serial(tmp_path):
    finder, project, tests = _finder_and_code(tmp_path)
    frames = tests["test_one_call_with_a_loop"](project)
    me = threading.get_ident()
    calls = {finder.locate(frame, me)[1] for frame in frames}
    assert len(calls) == 1
    assert NO_CALL not in calls


def test_a_query_of_test_code_itself_belongs_to_no_call(tmp_path):
    finder, _, tests = _finder_and_code(tmp_path)
    site, call = finder.locate(tests["test_own_query"](), threading.get_ident())
    assert call == NO_CALL
    assert site is not None
    assert site[2] == "test_own_query"


def test_end_calls_lets_go_of_the_frames(tmp_path):
    finder, project, tests = _finder_and_code(tmp_path)
    frame = tests["test_one_call_with_a_loop"](project)[0]
    finder.locate(frame, threading.get_ident())
    finder.end_calls()
    assert finder._calls == {}
