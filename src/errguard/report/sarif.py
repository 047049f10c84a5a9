"""SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from errguard import __version__
from errguard.models import Edit, Violation
from errguard.registry import Rule, load_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/errguard/errguard"
# File locations are relative to this base, declared in the run as the project root's URI.
ROOT_ID = "PROJECTROOT"


@dataclass(frozen=True)
class Absent:
    """A finding the baseline records that the run no longer finds (``baselineState``
    ``absent``): it has a file, but no region any more."""

    code: str
    path: str
    message: str


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.slug(),
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": rule.summary()},
        "help": {"text": rule.documentation(), "markdown": rule.documentation()},
        "helpUri": f"{INFORMATION_URI}/blob/main/docs/rules/{rule.code}.md",
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["correctness"], "fixable": rule.fix is not None},
    }


def _replacement(edit: Edit) -> dict[str, Any]:
    return {
        "deletedRegion": _region(edit.line, edit.column, edit.end_line, edit.end_column),
        "insertedContent": {"text": edit.content},
    }


def _artifact_location(path: str, root: Path) -> dict[str, str]:
    """Relative to the project root; a file outside it gets an absolute URI (SARIF allows a
    base only under a relative URI)."""
    absolute = Path(os.path.abspath(path))
    if absolute.is_relative_to(root):
        return {"uri": quote(absolute.relative_to(root).as_posix()), "uriBaseId": ROOT_ID}
    return {"uri": absolute.as_uri()}


def _root_uri(root: Path) -> str:
    uri = root.as_uri()
    return uri if uri.endswith("/") else f"{uri}/"  # a base URI must end with a slash


def _result(violation: Violation, rule_index: dict[str, int], root: Path) -> dict[str, Any]:
    location = _artifact_location(violation.path, root)
    result: dict[str, Any] = {
        "ruleId": violation.code,
        "ruleIndex": rule_index[violation.code],
        "level": "error",
        "message": {"text": violation.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": _region(
                        violation.line, violation.column, violation.end_line, violation.end_column
                    ),
                }
            }
        ],
    }
    fix = violation.resolved_fix
    if fix is not None:
        result["fixes"] = [
            {
                "description": {"text": f"{fix.message} ({fix.applicability.value} fix)"},
                "artifactChanges": [
                    {
                        "artifactLocation": location,
                        "replacements": [_replacement(edit) for edit in fix.edits],
                    }
                ],
            }
        ]
    return result


def _absent_result(absent: Absent, rule_index: dict[str, int], root: Path) -> dict[str, Any]:
    """A result of the baseline that is gone: the rule passes there now (``kind: pass``, so
    dashboards that ignore ``baselineState`` do not count it as a problem)."""
    return {
        "ruleId": absent.code,
        "ruleIndex": rule_index[absent.code],
        "kind": "pass",
        "level": "none",
        "message": {"text": absent.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": _artifact_location(absent.path, root)}}
        ],
        "baselineState": "absent",
    }


# A finding the baseline records: accepted, so viewers that honour suppressions hide it.
BASELINE_SUPPRESSION = {
    "kind": "external",
    "status": "accepted",
    "justification": "recorded in the errguard baseline",
}


def _results(
    violations: Sequence[Violation],
    root: Path,
    rule_index: dict[str, int],
    states: Sequence[str],
    absent: Sequence[Absent],
) -> list[dict[str, Any]]:
    results = [_result(violation, rule_index, root) for violation in violations]
    for result, state in zip(results, states, strict=bool(states)):
        result["baselineState"] = state
        if state == "unchanged":
            result["suppressions"] = [BASELINE_SUPPRESSION]
    return results + [_absent_result(gone, rule_index, root) for gone in absent]


def render(
    violations: Sequence[Violation],
    root: Path,
    states: Sequence[str] = (),
    absent: Sequence[Absent] = (),
) -> str:
    """The SARIF log; ``root`` is the absolute project root the file locations are relative to
    (paths in ``violations`` are relative to the working directory). With a baseline,
    ``states`` is each violation's ``baselineState`` (``new`` or ``unchanged``) and ``absent``
    the baseline's findings no longer found."""
    rules = list(load_rules().values())
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "errguard",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {
                    ROOT_ID: {"uri": _root_uri(root), "description": {"text": "project root"}}
                },
                "columnKind": "unicodeCodePoints",
                "results": _results(violations, root, rule_index, states, absent),
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"
