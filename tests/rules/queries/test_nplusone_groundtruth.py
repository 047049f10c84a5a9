"""Ground truth for EG101/EG102: real queries on SQLite at two data sizes decide what is an N+1.

``tests/groundtruth/nplusone/gtapp/cases.py`` holds functions that read data in many ways. The
runner executes each on SQLite with 2 and with 5 authors and counts queries. A function whose
count grows is an N+1; the rules must flag exactly those. After ``errguard fix``, every function
the fix changed must run a constant number of queries and return exactly what it returned.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO, run_cli

pytest.importorskip("django")

GROUND_TRUTH = REPO / "tests" / "groundtruth"
SMALL, LARGE = 2, 5


def measure(directory, size):
    completed = subprocess.run(
        [sys.executable, str(directory / "runner.py"), str(directory), str(size)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def functions_by_line(path):
    tree = ast.parse(path.read_text())
    return {
        line: node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        for line in range(node.lineno, node.end_lineno + 1)
    }


def function_sources(path):
    source = path.read_text()
    tree = ast.parse(source)
    return {
        node.name: ast.get_source_segment(source, node)
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    copy = tmp_path_factory.mktemp("groundtruth")
    shutil.copytree(GROUND_TRUTH, copy, dirs_exist_ok=True)
    directory = copy / "nplusone"
    (directory / "pyproject.toml").write_text("[project]\nname = 'gtapp'\n")
    return directory


@pytest.fixture(scope="module")
def before(app):
    return measure(app, SMALL), measure(app, LARGE)


def growing(small, large):
    return {name for name in small if large[name]["queries"] > small[name]["queries"]}


def test_rules_fire_exactly_for_the_functions_whose_queries_grow(app, before, monkeypatch):
    small, large = before
    truth = growing(small, large)
    constant = set(small) - truth
    assert len(truth) >= 20, "the suite must keep its N+1 cases"
    assert len(constant) >= 12, "the suite must keep its hard negatives"
    monkeypatch.chdir(app)
    result = run_cli("check", "--format", "json", "--select", "EG101,EG102", "gtapp/cases.py")
    lines = functions_by_line(app / "gtapp" / "cases.py")
    flagged = {lines[finding["line"]] for finding in json.loads(result.out)}
    flagged_cases = {name for name in flagged if name.startswith("case_")}
    assert flagged_cases - truth == set(), "false positives"
    assert truth - flagged_cases == set(), "false negatives"


def test_fix_makes_fixed_functions_constant_and_keeps_every_result(
    app, before, monkeypatch, tmp_path
):
    small, large = before
    # A copy: the module's other tests check the unfixed app, in whatever order they run.
    shutil.copytree(app.parent, tmp_path, dirs_exist_ok=True)
    fixed_app = tmp_path / "nplusone"
    cases = fixed_app / "gtapp" / "cases.py"
    original = function_sources(cases)
    monkeypatch.chdir(fixed_app)
    run_cli("fix", "gtapp/cases.py")
    changed = {name for name, text in function_sources(cases).items() if text != original[name]}
    fixed_small, fixed_large = measure(fixed_app, SMALL), measure(fixed_app, LARGE)
    assert len(changed) >= 15, changed
    for name in changed:
        assert fixed_small[name]["queries"] == fixed_large[name]["queries"], name
        assert fixed_large[name]["queries"] < large[name]["queries"], name
    for name in small:
        assert fixed_small[name]["result"] == small[name]["result"], name
        assert fixed_large[name]["result"] == large[name]["result"], name
    still_growing = growing(fixed_small, fixed_large)
    assert still_growing.isdisjoint(changed)
