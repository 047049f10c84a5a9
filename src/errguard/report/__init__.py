"""Output formats. Each module has ``render(violations) -> str`` (SARIF also takes the project
root); the CLI picks one by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from errguard.models import Violation
from errguard.report import github, json, sarif, text

Renderer = Callable[[Sequence[Violation]], str]

RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json.render,
    "github": github.render,
}
FORMATS = frozenset({*RENDERERS, "sarif"})
# Formats that show the edits of each fix (computing them needs libcst on fixable files).
SHOWS_EDITS = frozenset({"json", "sarif"})


def render(name: str, violations: Sequence[Violation], root: Path) -> str:
    """``violations`` in format ``name``; SARIF gives file locations relative to ``root``."""
    if name == "sarif":
        return sarif.render(violations, root)
    return RENDERERS[name](violations)
