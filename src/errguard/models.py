"""Plain data passed between detection, fixing and reporting.

Everything here is a frozen dataclass so it pickles cheaply across worker processes and
cannot be changed behind a reporter's back.
"""

from __future__ import annotations

import enum
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Applicability(str, enum.Enum):
    """How safe a fix is, with ruff's meaning: safe fixes keep behaviour, unsafe ones may not."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between two positions (1-based lines and columns, end exclusive)."""

    content: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Fix:
    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Violation:
    """One finding. Columns count characters, 1-based; ``end_column`` is exclusive.

    ``message`` is the whole sentence, advice included (what the one-line formats and JSON
    show); ``help`` is that advice alone, the end of ``message`` (empty when the rule gives none).
    """

    code: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    path: str = ""
    # Fix availability is decided by the detector; the edits are only computed on demand.
    fix: Applicability | None = None
    # What the detector decided the fix should do, for the fixer to carry out.
    fix_data: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # The fix's edits, computed only for output formats that show them (JSON, SARIF).
    resolved_fix: Fix | None = field(default=None, compare=False, hash=False)
    help: str = field(default="", compare=False, hash=False)

    @property
    def headline(self) -> str:
        """The message without its advice, for formats that show ``help`` on a line of its own."""
        if not self.help or not self.message.endswith(self.help):
            return self.message
        return self.message[: -len(self.help)].rstrip().rstrip(";:,").rstrip()

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


def _dedent(code: str) -> str:
    return textwrap.dedent(code).lstrip("\n")


@dataclass(frozen=True, slots=True)
class Valid:
    """Code the rule must not flag (a hard negative)."""

    code: str
    # Extra modules written next to the example (path -> source), for project-aware rules.
    files: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return _dedent(self.code)


@dataclass(frozen=True, slots=True)
class Invalid:
    """Code the rule must flag, where, and (for fixable rules) what the fix must produce.

    ``fixed`` is the expected result of ``errguard fix`` (safe fixes only); ``unsafe_fixed`` the
    result with ``--unsafe-fixes``. ``None`` means no fix of that tier may change the code.
    """

    code: str
    line: int | None = None
    column: int | None = None
    count: int = 1
    message: str | None = None
    fixed: str | None = None
    unsafe_fixed: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return _dedent(self.code)

    @property
    def expected_fixed(self) -> str | None:
        return None if self.fixed is None else _dedent(self.fixed)

    @property
    def expected_unsafe_fixed(self) -> str | None:
        if self.unsafe_fixed is not None:
            return _dedent(self.unsafe_fixed)
        return self.expected_fixed
