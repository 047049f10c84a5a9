"""The example project's PROBLEMS.md table, read by the tests that check errguard against it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

EXAMPLE = REPO / "example_project"
_ROW = re.compile(
    r"^\| (?P<path>[\w/.]+) \| (?P<line>\d+) \| (?P<code>EG\d{3}) \| [^|]+ \| (?P<fix>[^|]+) \|$"
)


@dataclass(frozen=True)
class Planted:
    path: str
    line: int
    code: str
    fixed_by: str  # "errguard fix", "errguard fix --unsafe-fixes" or "by hand"

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.path, self.line, self.code)


def planted_problems(root: Path = EXAMPLE) -> list[Planted]:
    rows = []
    for line in (root / "PROBLEMS.md").read_text().splitlines():
        match = _ROW.match(line)
        if match:
            fix = match["fix"].strip()
            fixed_by = next(
                tier
                for tier in ("errguard fix --unsafe-fixes", "errguard fix", "by hand")
                if fix.startswith(tier)
            )
            rows.append(Planted(match["path"], int(match["line"]), match["code"], fixed_by))
    return sorted(rows, key=lambda row: row.key)
