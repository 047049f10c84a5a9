"""EG402 in test code: a skipped ``try`` that counts what worked, with the count checked."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from errguard.detect.engine import Engine
from errguard.detect.source import SourceFile
from errguard.project import Project
from errguard.rules.exceptions.silent_broad_except import SilentBroadExcept

COUNTED = textwrap.dedent(
    """
    def lookups(registry, keys):
        completed = 0
        for key in keys:
            try:
                if registry.get_transition(key) is not None:
                    completed += 1
            except Exception:
                pass
        return completed

    def test_lookups(registry):
        assert lookups(registry, ["a", "b"]) == 2
    """
)


def _lines_flagged(root: Path, relative: str) -> list[int]:
    (root / "pyproject.toml").write_text("[project]\nname = 'example'\n", encoding="utf-8")
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(COUNTED, encoding="utf-8")
    result = Engine([SilentBroadExcept({})]).check(
        SourceFile.read(path, relative), project=Project(root)
    )
    assert not result.errors, result.errors
    return [violation.line for violation in result.violations]


@pytest.mark.parametrize("relative", ["tests/test_registry.py", "app/tests.py"])
def test_a_counted_success_in_test_code_is_left_alone(tmp_path: Path, relative: str) -> None:
    assert _lines_flagged(tmp_path, relative) == []


def test_the_same_count_outside_tests_is_reported(tmp_path: Path) -> None:
    assert _lines_flagged(tmp_path, "app/registry.py") == [8]
