"""What a rule sees of the file it is checking, and where it puts its findings."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from errguard.astutil import collect_imports
from errguard.detect.source import SourceFile
from errguard.models import Applicability, Violation
from errguard.project.reads import record

if TYPE_CHECKING:
    from errguard.project import Project
    from errguard.project.imports.cycles import CycleAnalysis
    from errguard.project.models.index import ModelIndex


class FileContext:
    def __init__(
        self, source: SourceFile, tree: ast.Module, project: Project | None = None
    ) -> None:
        self.source = source
        self.tree = tree
        self._project = project
        self.violations: list[Violation] = []
        # Per-file facts a rule computes once and reuses across its visits.
        self.cache: dict[str, object] = {}

    @property
    def path(self) -> str:
        return self.source.display

    @cached_property
    def project(self) -> Project:
        from errguard.project import Project

        return self._project or Project.empty()

    @cached_property
    def module(self) -> str:
        """This file's dotted module name within its project."""
        return self.project.module_name(self.source.path)

    @property
    def is_package(self) -> bool:
        return self.source.path.name == "__init__.py"

    def defined_in_project(self, qualified: str) -> bool:
        """Whether a dotted name (a class, a function) lives in a module of this project."""
        from errguard.project.modules import import_root

        base = import_root(self.source.path, self.project.src)
        parts = qualified.split(".")
        for end in range(len(parts) - 1, 0, -1):
            module = base.joinpath(*parts[:end])
            if _is_file(module.with_suffix(".py")) or _is_file(module / "__init__.py"):
                return True
        return False

    @cached_property
    def imports(self) -> Mapping[str, str]:
        """Local name -> absolute qualified name for imports that run at module level."""
        from errguard.project.modules import resolve_relative

        return {
            local: resolve_relative(target, self.module, is_package=self.is_package)
            for local, target in collect_imports(self.tree.body).items()
        }

    @cached_property
    def models(self) -> ModelIndex:
        """The project's model index, with this file's own classes as they are in memory."""
        return self.project.models_with(
            self.module, self.tree, self.source.data, is_package=self.is_package
        )

    @cached_property
    def import_cycles(self) -> CycleAnalysis:
        """The project's import cycles, with this file as it is in memory."""
        return self.project.import_cycles_with(self.module, self.tree, self.source.data)

    @cached_property
    def _line_offsets(self) -> list[int]:
        data = self.source.data
        offsets = [0]
        position = data.find(b"\n")
        while position != -1:
            offsets.append(position + 1)
            position = data.find(b"\n", position + 1)
        return offsets

    def mentions(self, node: ast.stmt, needles: tuple[bytes, ...]) -> bool:
        """Whether the source lines of ``node`` contain one of ``needles`` (a cheap prefilter)."""
        offsets = self._line_offsets
        start = offsets[node.lineno - 1]
        end_line = node.end_lineno or node.lineno
        end = offsets[end_line] if end_line < len(offsets) else None
        data = self.source.data
        return any(data.find(needle, start, end) != -1 for needle in needles)

    def span(self, node: ast.AST) -> tuple[int, int, int, int]:
        """(line, column, end line, end column) of a node: 1-based characters, end exclusive."""
        line, end_line = getattr(node, "lineno", 1), getattr(node, "end_lineno", 1) or 1
        column = self.source.char_column(line, getattr(node, "col_offset", 0)) + 1
        end_column = self.source.char_column(end_line, getattr(node, "end_col_offset", 0) or 0) + 1
        return line, column, end_line, end_column

    def source_of(self, node: ast.AST) -> str:
        """A node's exact source text (several lines when it spans them)."""
        line, column, end_line, end_column = self.span(node)
        lines = self.source.lines[line - 1 : end_line]
        if not lines:
            return ""
        lines[-1] = lines[-1][: end_column - 1]
        lines[0] = lines[0][column - 1 :]
        return "".join(lines)

    def segment(self, node: ast.AST, limit: int = 60) -> str:
        """A node's source as written, on one line and shortened, for messages."""
        text = " ".join(self.source_of(node).split())
        return text if len(text) <= limit else f"{text[: limit - 3]}..."

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
        help: str = "",
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
                help=help,
            )
        )


def _is_file(path: Path) -> bool:
    record("exists", str(path))
    return path.is_file()
