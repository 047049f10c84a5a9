"""SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from errguard import __version__
from errguard.models import Edit, Violation
from errguard.registry import Rule, load_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/errguard/errguard"


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


def _result(violation: Violation, rule_index: dict[str, int]) -> dict[str, Any]:
    location = {"uri": violation.path, "uriBaseId": "%SRCROOT%"}
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


def render(violations: Sequence[Violation]) -> str:
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
                "columnKind": "unicodeCodePoints",
                "results": [_result(violation, rule_index) for violation in violations],
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"
