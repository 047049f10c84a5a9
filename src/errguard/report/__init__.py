"""Output formats. Each module has ``render(violations) -> str``; the CLI picks one by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from errguard.models import Violation
from errguard.report import github, json, sarif, text

Renderer = Callable[[Sequence[Violation]], str]

RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json.render,
    "sarif": sarif.render,
    "github": github.render,
}
# Formats that show the edits of each fix (computing them needs libcst on fixable files).
SHOWS_EDITS = frozenset({"json", "sarif"})
