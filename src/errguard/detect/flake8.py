"""The flake8 plugin (entry point ``EG``): the same engine and configuration as ``errguard check``.

flake8 parses the file and applies ``# noqa`` itself; the plugin runs the rules on flake8's
tree and applies what only errguard knows: the rule selection and per-file ignores from
``[tool.errguard]``, rule options, the baseline it names, and the ``# errguard: noqa`` file
marker. When errguard fails on a file, that file gets an EG000 finding saying why, and flake8
goes on with the others.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

from errguard import __version__
from errguard.baseline.use import new_in_file
from errguard.config import Config, ConfigError, discover_config
from errguard.detect.deadline import FileTimeout, time_limit
from errguard.detect.engine import Engine, timed_out
from errguard.detect.noqa import NOQA_FILE
from errguard.detect.source import SourceFile
from errguard.project import project_for
from errguard.registry import known_rules

_engines: dict[Path | None, Engine] = {}


@functools.lru_cache(maxsize=256)
def _settings_for(directory: Path) -> tuple[Config, Engine]:
    """Config and engine for files in ``directory``; one engine per configuration file."""
    config = discover_config([directory], None, known_rules())
    engine = _engines.get(config.path)
    if engine is None:
        engine = _engines[config.path] = Engine.from_config(config)
    return config, engine


# What the plugin reports when errguard fails on a file: a rule crashed, the analysis ran over
# max-file-seconds, the configuration is invalid. flake8 aborts the whole run on an exception
# from a plugin; this is one line instead.
FAILURE_CODE = "EG000"
Finding = tuple[int, int, str, type["Flake8Plugin"]]


class Flake8Plugin:
    name = "errguard"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[Finding]:
        if not isinstance(self.tree, ast.Module) or any(
            NOQA_FILE.match(line) and "errguard" in line.lower() for line in self.lines
        ):
            return
        try:
            findings = self._findings(self.tree)
        except ConfigError as exc:
            findings = [self._failure(1, f"errguard cannot check this file: {exc}")]
        except Exception as exc:  # an errguard bug: this file's report, not the end of flake8
            findings = [self._failure(1, f"internal error: {type(exc).__name__}: {exc}")]
        yield from findings

    def _findings(self, tree: ast.Module) -> list[Finding]:
        path = Path(self.filename)
        config, engine = _settings_for(path.resolve().parent)
        source = SourceFile.from_text("".join(self.lines), self.filename)
        project = project_for(path, config)
        engine.prepare(source, project)
        try:
            with time_limit(config.max_file_seconds):
                violations, errors = engine.detect(source, tree, project)
        except FileTimeout:
            return [self._failure(1, timed_out(self.filename, config).what)]
        ignored = config.ignored_for(path)
        findings = [self._failure(error.line, error.what) for error in errors]
        kept = [violation for violation in violations if not violation.code.startswith(ignored)]
        for violation in new_in_file(kept, source, tree, config):
            message = f"{violation.code} {violation.message}"
            findings.append((violation.line, violation.column - 1, message, type(self)))
        return findings

    def _failure(self, line: int, what: str) -> Finding:
        return line, 0, f"{FAILURE_CODE} {what}", type(self)
