"""The real-world corpus's manifest and labels, shared by fetch.py and harness.py."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = HERE / ".cache"
LABELS = HERE / "labels"
VERDICTS = ("TP", "FP")
WORTH = ("high", "medium", "low")


@dataclass(frozen=True)
class LintConfig:
    """Other linters' configuration from the project's source distribution (the wheel has
    none), laid in the cache where it sits beside the package in the repository."""

    sdist: str
    sha256: str
    files: dict[str, str]
    """Member of the sdist -> path in the project's cache directory."""


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    kind: str
    about: str
    file: str
    sha256: str
    lint_config: LintConfig | None = None


def _project(entry: dict[str, Any]) -> Project:
    lint = entry.pop("lint-config", None)
    return Project(**entry, lint_config=None if lint is None else LintConfig(**lint))


def load_manifest(path: Path = HERE / "manifest.toml") -> list[Project]:
    with path.open("rb") as handle:
        return [_project(entry) for entry in tomllib.load(handle)["project"]]


def finding_key(path: str, line: int, code: str) -> tuple[str, int, str]:
    """A finding's identity in a pinned release: its file, line and rule."""
    return (path, line, code)


def load_labels(
    project: str, directory: Path = LABELS
) -> dict[tuple[str, int, str], dict[str, object]]:
    path = directory / f"{project}.json"
    if not path.exists():
        return {}
    labels = json.loads(path.read_text())
    for label in labels:
        if label["verdict"] not in VERDICTS or label["worth"] not in WORTH:
            raise SystemExit(f"{path}: bad verdict or worth in {label}")
    return {finding_key(label["path"], label["line"], label["code"]): label for label in labels}
