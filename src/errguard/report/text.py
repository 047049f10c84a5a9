"""flake8's format: ``path:line:col: CODE message``, one finding a line."""

from __future__ import annotations

from collections.abc import Sequence

from errguard.models import Violation


def format_violation(violation: Violation) -> str:
    return (
        f"{violation.path}:{violation.line}:{violation.column}: "
        f"{violation.code} {violation.message}"
    )


def render(violations: Sequence[Violation]) -> str:
    return "".join(f"{format_violation(violation)}\n" for violation in violations)
