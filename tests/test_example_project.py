"""The example project's planted problems (PROBLEMS.md) and errguard's findings agree exactly."""

from __future__ import annotations

import json
import re

from tests.conftest import REPO, run_subprocess

EXAMPLE = REPO / "example_project"
ROW = re.compile(r"^\| (?P<path>[\w/.]+) \| (?P<line>\d+) \| (?P<code>EG\d{3}) \|")


def planted_problems():
    rows = (ROW.match(line) for line in (EXAMPLE / "PROBLEMS.md").read_text().splitlines())
    return sorted((m["path"], int(m["line"]), m["code"]) for m in rows if m)


def test_problems_table_matches_findings():
    result = run_subprocess("check", "--format", "json", ".", cwd=EXAMPLE)
    assert result.code == 1, result.err
    found = sorted((v["path"], v["line"], v["code"]) for v in json.loads(result.out))
    assert planted_problems(), "PROBLEMS.md lists no problems"
    assert found == planted_problems()


def test_readme_command_finds_the_problems_from_the_repo_root():
    result = run_subprocess("check", "example_project", cwd=REPO)
    assert result.code == 1
    assert result.out.splitlines()[0].startswith("example_project/shop/payments.py:42:")
