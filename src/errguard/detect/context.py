"""What a rule sees of the file it is checking, and where it puts its findings."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from errguard.astutil import collect_imports
from errguard.detect.source import SourceFile
from errguard.models import Applicability, Violation


class FileContext:
    def __init__(self, source: SourceFile, tree: ast.Module) -> None:
        self.source = source
        self.tree = tree
        self.violations: list[Violation] = []
        # Per-file facts a rule computes once and reuses across its visits.
        self.cache: dict[str, object] = {}

    @property
    def path(self) -> str:
        return self.source.display

    @cached_property
    def imports(self) -> Mapping[str, str]:
        """Local name -> qualified name for imports that run at module level."""
        return collect_imports(self.tree.body)

    def line_text(self, line: int) -> str:
        lines = self.source.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def add(
        self,
        code: str,
        message: str,
        node: ast.AST,
        *,
        end_node: ast.AST | None = None,
        end: tuple[int, int] | None = None,
        fix: Applicability | None = None,
        fix_data: Mapping[str, Any] | None = None,
    ) -> None:
        line = getattr(node, "lineno", 1)
        if end is None:
            last = end_node or node
            end = (
                getattr(last, "end_lineno", None) or line,
                getattr(last, "end_col_offset", None) or 0,
            )
        end_line = end[0]
        column = self.source.char_column(line, getattr(node, "col_offset", 0))
        end_column = self.source.char_column(end_line, end[1])
        self.violations.append(
            Violation(
                code=code,
                message=message,
                line=line,
                column=column + 1,
                end_line=end_line,
                end_column=end_column + 1,
                path=self.path,
                fix=fix,
                fix_data=dict(fix_data or {}),
            )
        )
