"""Query totals and N+1 findings of a whole run, merged across xdist workers, and the summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from errguard.queries.findings import NPlusOne

TOP_TESTS = 10


@dataclass
class FindingTally:
    """One distinct N+1 pattern and every test that ran into it."""

    summary: str
    fix: str
    count: int = 0
    tests: list[str] = field(default_factory=list)


class QueryStats:
    """What the terminal summary reports; plain data, so xdist workers can send it."""

    def __init__(self) -> None:
        self.total = 0
        self.body = 0
        self.per_test: dict[str, int] = {}
        self.findings: dict[str, FindingTally] = {}
        self.over_budget: list[str] = []
        """Tests that ran more queries than a ``max_queries``/``queries.max()`` budget allowed."""
        self.workers = 0
        """pytest-xdist workers merged in (0 for a run in one process)."""

    def add_test(self, nodeid: str, *, total: int, body: int, findings: Sequence[NPlusOne]) -> None:
        self.total += total
        self.body += body
        self.per_test[nodeid] = self.per_test.get(nodeid, 0) + body
        for finding in findings:
            tally = self.findings.setdefault(
                finding.key, FindingTally(finding.summary, finding.fix)
            )
            tally.count += finding.count
            if nodeid not in tally.tests:
                tally.tests.append(nodeid)

    def add_budget_failure(self, nodeid: str) -> None:
        if nodeid not in self.over_budget:
            self.over_budget.append(nodeid)

    @property
    def has_problems(self) -> bool:
        """Whether the run found something the summary must show: an N+1, a budget failure."""
        return bool(self.findings or self.over_budget)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "body": self.body,
            "per_test": self.per_test,
            "over_budget": self.over_budget,
            "findings": {
                key: {"summary": t.summary, "fix": t.fix, "count": t.count, "tests": t.tests}
                for key, t in self.findings.items()
            },
        }

    def merge_json(self, data: dict[str, Any]) -> None:
        self.workers += 1
        self.total += int(data["total"])
        self.body += int(data["body"])
        for nodeid, count in data["per_test"].items():
            self.per_test[nodeid] = self.per_test.get(nodeid, 0) + int(count)
        for nodeid in data["over_budget"]:
            self.add_budget_failure(nodeid)
        for key, item in data["findings"].items():
            tally = self.findings.setdefault(key, FindingTally(item["summary"], item["fix"]))
            tally.count += int(item["count"])
            tally.tests.extend(test for test in item["tests"] if test not in tally.tests)

    def _setup_note(self) -> str:
        if self.workers < 2:
            return ""
        # Each worker creates (and migrates) its own test database: that setup is counted once
        # per worker, so the total grows with -n while the test bodies' count does not.
        return f" (each of the {self.workers} xdist workers sets up its own test database)"

    def summary_lines(self, top: int = TOP_TESTS) -> list[str]:
        if not self.per_test:
            return []
        tests = len(self.per_test)
        lines = [
            f"{self.total:,} queries in {tests:,} {'test' if tests == 1 else 'tests'}: "
            f"{self.body:,} in test bodies, {self.total - self.body:,} in setup and teardown"
            + self._setup_note()
        ]
        busiest = sorted(
            ((count, nodeid) for nodeid, count in self.per_test.items() if count),
            key=lambda item: (-item[0], item[1]),
        )[:top]
        if busiest:
            lines.append("Most queries in a test body:")
            width = len(f"{busiest[0][0]:,}")
            lines.extend(f"  {count:>{width},}  {nodeid}" for count, nodeid in busiest)
        if self.findings:
            distinct = len(self.findings)
            lines.append(
                f"N+1 queries: {distinct} distinct {'pattern' if distinct == 1 else 'patterns'}"
            )
            for tally in sorted(self.findings.values(), key=lambda t: -t.count):
                in_tests = f"{len(tally.tests)} {'test' if len(tally.tests) == 1 else 'tests'}"
                lines.append(f"  {tally.summary} ({tally.count} times in {in_tests})")
                lines.append(f"    fix: {tally.fix}")
                lines.extend(f"    {nodeid}" for nodeid in sorted(tally.tests))
        if self.over_budget:
            failed = len(self.over_budget)
            lines.append(f"Query budget exceeded in {failed} {'test' if failed == 1 else 'tests'}:")
            lines.extend(f"  {nodeid}" for nodeid in sorted(self.over_budget))
        return lines

    def one_line(self, how_to_see_all: str) -> str:
        """The summary of a run with nothing to report, for when the table is not wanted."""
        tests = len(self.per_test)
        return (
            f"errguard: {self.total:,} queries in {tests:,} {'test' if tests == 1 else 'tests'}, "
            f"no N+1 and no query budget exceeded ({how_to_see_all} for the table)"
        )
