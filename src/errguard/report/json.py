"""The JSON array documented in DESIGN.md ("Machine output")."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from errguard.models import Edit, Violation
from errguard.registry import load_rules


def edit_to_dict(edit: Edit) -> dict[str, Any]:
    return {
        "content": edit.content,
        "line": edit.line,
        "column": edit.column,
        "end_line": edit.end_line,
        "end_column": edit.end_column,
    }


def violation_to_dict(violation: Violation) -> dict[str, Any]:
    fix = violation.resolved_fix
    rule = load_rules().get(violation.code)
    return {
        "path": violation.path,
        "line": violation.line,
        "column": violation.column,
        "end_line": violation.end_line,
        "end_column": violation.end_column,
        "code": violation.code,
        "rule": rule.slug() if rule else None,
        "message": violation.message,
        "help": violation.help or None,
        "fix": None
        if fix is None
        else {
            "applicability": fix.applicability.value,
            "message": fix.message,
            "edits": [edit_to_dict(edit) for edit in fix.edits],
        },
    }


def render(violations: Sequence[Violation]) -> str:
    return json.dumps([violation_to_dict(v) for v in violations], indent=2) + "\n"
