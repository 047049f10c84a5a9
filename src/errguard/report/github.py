"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""

from __future__ import annotations

from collections.abc import Sequence

from errguard.models import Violation
from errguard.report.text import format_violation


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(violations: Sequence[Violation]) -> str:
    lines = []
    for v in violations:
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("title", f"errguard ({v.code})"),
                ("file", v.path),
                ("line", v.line),
                ("col", v.column),
                ("endLine", v.end_line),
                ("endColumn", v.end_column),
            )
        )
        lines.append(f"::error {properties}::{_escape_data(format_violation(v))}\n")
    return "".join(lines)
