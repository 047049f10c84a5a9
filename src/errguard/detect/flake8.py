"""The flake8 plugin (entry point ``EG``): the same engine and configuration as ``errguard check``.

flake8 parses the file and applies ``# noqa`` itself; the plugin runs the rules on flake8's
tree and applies what only errguard knows: the rule selection and per-file ignores from
``[tool.errguard]``, rule options, and the ``# errguard: noqa`` file marker.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

from errguard import __version__
from errguard.config import Config, discover_config
from errguard.detect.engine import Engine
from errguard.detect.noqa import NOQA_FILE
from errguard.detect.source import SourceFile
from errguard.project import project_for

_engines: dict[Path | None, Engine] = {}


@functools.lru_cache(maxsize=256)
def _settings_for(directory: Path) -> tuple[Config, Engine]:
    """Config and engine for files in ``directory``; one engine per configuration file."""
    config = discover_config([directory], None)
    engine = _engines.get(config.path)
    if engine is None:
        engine = _engines[config.path] = Engine.from_config(config)
    return config, engine


class Flake8Plugin:
    name = "errguard"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type[Flake8Plugin]]]:
        if not isinstance(self.tree, ast.Module) or any(
            NOQA_FILE.match(line) and "errguard" in line.lower() for line in self.lines
        ):
            return
        path = Path(self.filename)
        config, engine = _settings_for(path.resolve().parent)
        source = SourceFile.from_text("".join(self.lines), self.filename)
        violations, errors = engine.detect(source, self.tree, project_for(path, config))
        if errors:
            raise RuntimeError("; ".join(errors))
        ignored = config.ignored_for(path)
        for violation in violations:
            if not violation.code.startswith(ignored):
                message = f"{violation.code} {violation.message}"
                yield violation.line, violation.column - 1, message, type(self)
