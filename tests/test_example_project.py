"""The example project's planted problems (PROBLEMS.md) and errguard's findings agree exactly."""

from __future__ import annotations

import json

from tests.conftest import run_subprocess
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
