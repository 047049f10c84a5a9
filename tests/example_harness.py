"""Run one rule's inline examples through the real engine and fixer."""

from __future__ import annotations

from pathlib import Path

from errguard.detect.engine import Engine
from errguard.detect.source import SourceFile
from errguard.fixer import FixEngine
from errguard.models import Invalid, Valid, Violation
from errguard.project import Project
from errguard.registry import Rule


def engine_for(rule: type[Rule], example: Valid | Invalid) -> Engine:
    return Engine([rule(example.options)])


def source_for(
    example: Valid | Invalid, root: Path | None = None
) -> tuple[SourceFile, Project | None]:
    """The example as a file; in a project of its own when it comes with other modules."""
    if root is None:
        return SourceFile.from_text(example.source, "example.py"), None
    (root / "pyproject.toml").write_text("[project]\nname = 'example'\n", encoding="utf-8")
    for name, text in example.files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    path = root / "example.py"
    path.write_text(example.source, encoding="utf-8")
    return SourceFile.read(path, "example.py"), Project(root)


def findings(
    rule: type[Rule], example: Valid | Invalid, root: Path | None = None
) -> list[Violation]:
    source, project = source_for(example, root)
    result = engine_for(rule, example).check(source, project=project)
    assert not result.errors, result.errors
    return [v for v in result.violations if v.code == rule.code]


def fixed_text(
    rule: type[Rule], example: Valid | Invalid, *, unsafe: bool, root: Path | None = None
) -> str:
    source, project = source_for(example, root)
    result = FixEngine(engine_for(rule, example), unsafe=unsafe).fix(source, project=project)
    assert not result.errors, result.errors
    return result.text
