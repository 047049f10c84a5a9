"""Which files a run looks at: Python files under the given paths, minus excluded directories."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from errguard.config import Config


class MissingPath(Exception):
    """A path given on the command line does not exist."""


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def _excluded_by_parent(path: Path, config: Config) -> bool:
    absolute = path.resolve()
    return any(config.is_excluded(parent) for parent in (absolute, *absolute.parents))


def discover(paths: Sequence[Path], config: Config, *, force_exclude: bool = False) -> list[Path]:
    """Python files to check, sorted and without duplicates.

    Files named explicitly are always checked (pre-commit passes them one by one), unless
    ``force_exclude`` is set; directories are walked with excluded directories pruned.
    """
    found: dict[Path, None] = {}
    for path in paths:
        if not path.exists():
            raise MissingPath(f"{path}: no such file or directory")
        if path.is_file():
            if not (force_exclude and _excluded_by_parent(path, config)):
                found[path] = None
            continue
        for root, directories, files in os.walk(path):
            base = Path(root)
            directories[:] = sorted(
                name
                for name in directories
                if not config.is_excluded(base / name) and not _is_virtualenv(base / name)
            )
            for name in files:
                candidate = base / name
                if name.endswith(".py") and not config.is_excluded(candidate):
                    found[candidate] = None
    return sorted(found)
