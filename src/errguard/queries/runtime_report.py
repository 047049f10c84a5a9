"""The runtime N+1 findings of a test run as JSON (``pytest --errguard-report=FILE``).

Plain data, so pytest-xdist workers can send theirs to the controller, which writes the file.
``errguard fix --from-report FILE`` reads it back (``read_report``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from errguard.models import Violation
from errguard.queries.atomic import replace_text
from errguard.queries.callsite import CallSite
from errguard.queries.findings import NPlusOne

VERSION = 1


def _site(site: CallSite | None) -> dict[str, Any] | None:
    if site is None:
        return None
    return {"path": site.path, "line": site.lineno, "function": site.function}


def finding_record(test: str, finding: NPlusOne) -> dict[str, Any]:
    """One finding as the report stores it."""
    record: dict[str, Any] = {
        "test": test,
        "summary": finding.summary,
        "count": finding.count,
        "site": _site(finding.site),
        "fix": finding.fix,
    }
    load = finding.load
    if load is None:
        record.update(kind="repeated_query", sql=finding.sql)
        return record
    record.update(
        kind="lazy_load",
        model=load.model,
        attribute=load.name,
        relation=load.kind,
        path=load.path,
        method=load.method,
        queryset=_site(load.origin_site),
    )
    return record


class RuntimeReport:
    """Every finding of every test, in the order the tests ran (per worker)."""

    def __init__(self) -> None:
        self.findings: list[dict[str, Any]] = []

    def add(self, test: str, findings: Sequence[NPlusOne]) -> None:
        self.findings.extend(finding_record(test, finding) for finding in findings)

    def merge(self, findings: list[dict[str, Any]]) -> None:
        self.findings.extend(findings)

    def write(self, path: Path, rootdir: Path) -> None:
        ordered = sorted(self.findings, key=lambda item: (item["test"], -item["count"]))
        data = {"version": VERSION, "rootdir": str(rootdir), "findings": ordered}
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_text(path, json.dumps(data, indent=2) + "\n")


@dataclass(frozen=True)
class LoadToFix:
    """A lazy load of the report with a suggested ``select_related``/``prefetch_related``."""

    file: Path
    """The module that iterated the queryset, absolute."""
    line: int
    """The line that iterated it (a ``for`` statement, a comprehension)."""
    method: str
    path: str
    """The lookup to add: ``author``, ``book_set__tags``."""
    summary: str


class ReportError(ValueError):
    """The file is not a runtime report errguard can read."""


def read_report(path: Path, cwd: Path) -> tuple[list[LoadToFix], list[str]]:
    """The lazy loads a fix can address, and a note for each finding it cannot.

    Paths are relative to the pytest rootdir the report names; a report copied from another
    machine resolves them against ``cwd`` instead when that rootdir does not exist here.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        version, rootdir, findings = data["version"], data["rootdir"], data["findings"]
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise ReportError(f"{path}: not an errguard runtime report ({error})") from None
    if version != VERSION:
        raise ReportError(f"{path}: report version {version!r}, expected {VERSION}")
    base = Path(rootdir) if Path(rootdir).is_dir() else cwd
    loads: list[LoadToFix] = []
    notes = []
    for item in findings:
        where = f"{item['summary']} ({item['test']})"
        queryset = item.get("queryset")
        if item.get("kind") != "lazy_load" or item.get("method") is None:
            notes.append(f"{where}: not fixed, no select_related/prefetch_related to add")
        elif queryset is None or not str(queryset["path"]).endswith(".py"):
            notes.append(f"{where}: not fixed, the queryset is not iterated in Python code")
        else:
            file = (base / queryset["path"]).resolve()
            load = LoadToFix(file, int(queryset["line"]), item["method"], item["path"], where)
            if all(
                (known.file, known.line, known.path) != (file, load.line, load.path)
                for known in loads
            ):
                loads.append(load)
    return loads, notes


def confirms(load: LoadToFix, file: Path, violation: Violation) -> bool:
    """Whether the static EG101 ``violation`` in ``file`` adds the same call, to a queryset
    expression on the line that iterated it at runtime, or to the queryset of the loop that
    starts there: before Python 3.13, a comprehension iterates at its first line, not at the
    line of its ``for``."""
    data = violation.fix_data
    if violation.code != "EG101" or file != load.file or "span" not in data:
        return False
    line, _, end_line, _ = data["span"]
    same_call = (data.get("method"), data.get("lookup")) == (load.method, load.path)
    return same_call and (line <= load.line <= end_line or load.line == data.get("loop_line"))
