"""Which files a run looks at: Python files under the given paths, minus excluded directories."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from errguard.config import Config


def _walk(directory: Path, config: Config) -> Iterator[Path]:
    """Python files below ``directory``; strings until a file qualifies, since a tree like
    Django's has thousands of directories of translations and only Python files matter."""
    for root, directories, files in os.walk(directory):
        if "pyvenv.cfg" in files and root != str(directory):
            directories[:] = []  # a virtualenv below the given path: nothing in it is ours
            continue
        directories[:] = [name for name in directories if not config.is_excluded_in(root, name)]
        for name in files:
            if name.endswith(".py") and not config.is_excluded_in(root, name):
                yield Path(root, name)


def _excluded_by_parent(path: Path, config: Config) -> bool:
    absolute = path.resolve()
    return any(config.is_excluded(parent) for parent in (absolute, *absolute.parents))


def discover(paths: Sequence[Path], config: Config, *, force_exclude: bool = False) -> list[Path]:
    """Python files to check, sorted and without duplicates.

    Files named explicitly are always checked (pre-commit passes them one by one), unless
    ``force_exclude`` is set; directories are walked with excluded directories pruned. Paths
    that do not exist yield nothing (the command line reports them).
    """
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_file():
            if not (force_exclude and _excluded_by_parent(path, config)):
                found[path] = None
            continue
        found.update(dict.fromkeys(_walk(path, config)))
    return sorted(found)
