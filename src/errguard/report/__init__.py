"""Output formats. Each module has ``render(violations) -> str`` (SARIF also takes the project
root, the full format whether to colour); the CLI picks one by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from errguard.models import Violation
from errguard.report import full, github, json, sarif, text

Renderer = Callable[[Sequence[Violation]], str]

RENDERERS: dict[str, Renderer] = {
    "concise": text.render,
    # The name of the one-line format while it was the default; scripts that ask
    # for it by name keep their one line per finding.
    "text": text.render,
    "json": json.render,
    "github": github.render,
}
FORMATS = frozenset({*RENDERERS, "full", "sarif"})
# The formats people read, followed by the summary line on stderr.
HUMAN_FORMATS = frozenset({"full", "concise", "text"})
DEFAULT_FORMAT = "full"
# Formats that show the edits of each fix (computing them needs libcst on fixable files).
SHOWS_EDITS = frozenset({"json", "sarif"})


def render(name: str, violations: Sequence[Violation], root: Path, *, color: bool = False) -> str:
    """``violations`` in format ``name``; SARIF gives file locations relative to ``root``, the
    full format is coloured when ``color``."""
    if name == "sarif":
        return sarif.render(violations, root)
    if name == "full":
        return full.render(violations, color=color)
    return RENDERERS[name](violations)
