"""``errguard check --statistics``: one line per rule code, instead of one per finding.

The shape follows ``ruff check --statistics``: count, code, a fix marker and the rule's name,
most frequent code first. The marker says what ``errguard fix`` can do for the code's
findings: ``[*]`` some have a safe fix, ``[-]`` some have an unsafe fix only, ``[ ]`` none.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from errguard.models import Applicability, Violation
from errguard.registry import load_rules

# What ``errguard fix`` can do for a finding, by the tier of its fix.
FIX_MARKERS = {Applicability.SAFE: "[*]", Applicability.UNSAFE: "[-]", None: "[ ]"}


@dataclass(frozen=True)
class CodeCount:
    """The findings of one code: how many, and how many each fix tier can repair."""

    code: str
    name: str | None
    count: int
    fixable: int
    unsafe_fixable: int

    @property
    def marker(self) -> str:
        if self.fixable:
            return FIX_MARKERS[Applicability.SAFE]
        return FIX_MARKERS[Applicability.UNSAFE if self.unsafe_fixable else None]


def count_by_code(violations: Sequence[Violation]) -> list[CodeCount]:
    """Counts per code, the most frequent first (ties by code)."""
    rules = load_rules()
    total = Counter(v.code for v in violations)
    safe = Counter(v.code for v in violations if v.fix is Applicability.SAFE)
    unsafe = Counter(v.code for v in violations if v.fix is Applicability.UNSAFE)
    counts = [
        CodeCount(
            code,
            rules[code].slug() if code in rules else None,
            count,
            safe[code],
            unsafe[code],
        )
        for code, count in total.items()
    ]
    return sorted(counts, key=lambda c: (-c.count, c.code))


def render_text(violations: Sequence[Violation]) -> str:
    counts = count_by_code(violations)
    if not counts:
        return ""
    count_width = len(str(counts[0].count))
    code_width = max(len(c.code) for c in counts)
    return "".join(
        f"{c.count:>{count_width}}\t{c.code:<{code_width}}\t{c.marker} {c.name or ''}"
        f"{_fixable_note(c)}\n"
        for c in counts
    )


def _fixable_note(count: CodeCount) -> str:
    parts = []
    if count.fixable:
        parts.append(f"{count.fixable} fixable")
    if count.unsafe_fixable:
        parts.append(f"{count.unsafe_fixable} with --unsafe-fixes")
    return f" ({', '.join(parts)})" if parts else ""


def render_json(violations: Sequence[Violation]) -> str:
    rows = [
        {
            "code": c.code,
            "name": c.name,
            "count": c.count,
            "fixable": c.fixable,
            "unsafe_fixable": c.unsafe_fixable,
        }
        for c in count_by_code(violations)
    ]
    return json.dumps(rows, indent=2) + "\n"


RENDERERS = {"text": render_text, "json": render_json}
