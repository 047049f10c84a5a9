"""The example project's planted problems (PROBLEMS.md) and errguard's findings agree exactly."""

from __future__ import annotations

import json

from tests.conftest import REPO, run_subprocess
from tests.example_problems import EXAMPLE, planted_problems


def test_problems_table_matches_findings():
    result = run_subprocess("check", "--format", "json", ".", cwd=EXAMPLE)
    assert result.code == 1, result.err
    found = sorted((v["path"], v["line"], v["code"]) for v in json.loads(result.out))
    planted = [row.key for row in planted_problems()]
    assert len(planted) >= 12, "PROBLEMS.md lists every rule family"
    assert found == planted


def test_every_rule_family_is_planted():
    codes = {row.code for row in planted_problems()}
    expected = {"EG101", "EG102", "EG201", "EG202", "EG301", "EG302", "EG401", "EG402", "EG404"}
    assert expected | {"EG501"} <= codes


def test_readme_walkthrough_shows_the_real_output_of_check():
    result = run_subprocess("check", "example_project", cwd=REPO)
    assert result.code == 1
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("errguard check example_project\n```\n\n```\n", 1)[1].split("```", 1)[0]
    shown_lines = shown.splitlines()
    # Each line as printed, up to where the README trims a long message with "...".
    assert len(shown_lines) == len(result.out.splitlines()) + 1
    for printed, line in zip(result.out.splitlines(), shown_lines, strict=False):
        assert printed.startswith(line.split("...", 1)[0]), (printed, line)
    assert shown_lines[-1] == result.err.strip()
