"""Which files a run looks at: Python files under the given paths, minus excluded directories.

Only regular files qualify (see :mod:`errguard.fileio`); a FIFO, socket or device named
``*.py`` and a directory that cannot be listed are skipped, each with a reason, and a path
given on the command line that does not exist or cannot be reached is an error.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from errguard.config import Config
from errguard.fileio import special_kind


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    # Left out with a note: special files, directories that cannot be listed.
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    # Paths given explicitly that do not exist or cannot be reached.
    errors: list[tuple[Path, str]] = field(default_factory=list)


def _walk(top: Path, config: Config, found: Discovery) -> Iterator[Path]:
    """Python files below ``top``; strings until a file qualifies, since a tree like Django's
    has thousands of directories of translations and only Python files matter. Symlinked
    directories are not followed (as ``os.walk``), symlinked files are."""
    pending = [os.fspath(top)]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as exc:
            reason = f"cannot read directory: {exc.strerror or exc}"
            (found.errors if directory == os.fspath(top) else found.skipped).append(
                (Path(directory), reason)
            )
            continue
        if directory != os.fspath(top) and any(e.name == "pyvenv.cfg" for e in entries):
            continue  # a virtualenv below the given path: nothing in it is ours
        for entry in entries:
            if entry.is_dir():
                if not entry.is_symlink() and not config.is_excluded_in(directory, entry.name):
                    pending.append(entry.path)
            elif entry.name.endswith(".py") and not config.is_excluded_in(directory, entry.name):
                kind = _special_kind(entry)
                if kind is not None:
                    found.skipped.append((Path(entry.path), f"not a regular file ({kind})"))
                elif (too_big := _too_big(entry, config)) is not None:
                    found.skipped.append((Path(entry.path), too_big))
                else:
                    yield Path(entry.path)


def _special_kind(entry: os.DirEntry[str]) -> str | None:
    """What the entry is when it is not a regular file (after symlinks); None for a regular
    file, and for one that cannot be looked at: reading it reports why (EG001)."""
    if entry.is_file():
        return None
    try:
        mode = entry.stat().st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else special_kind(mode)


def _too_big(path: Path | os.DirEntry[str], config: Config) -> str | None:
    """Why a file over ``max-file-size`` is not checked; None for the others."""
    try:
        size = path.stat().st_size
    except OSError:
        return None  # reading it reports why (EG001)
    limit = config.max_file_size_mb * 1024 * 1024
    if size <= limit:
        return None
    return (
        f"{size / 1024 / 1024:.3g} MB is over max-file-size ({config.max_file_size_mb:g} MB; "
        "raise it in [tool.errguard] to check the file)"
    )


def _excluded_by_parent(path: Path, config: Config) -> bool:
    absolute = path.resolve()
    return any(config.is_excluded(parent) for parent in (absolute, *absolute.parents))


def discover(paths: Sequence[Path], config: Config, *, force_exclude: bool = False) -> Discovery:
    """Python files to check, sorted and without duplicates, and what was left out.

    Files named explicitly are always checked (pre-commit passes them one by one), unless
    ``force_exclude`` is set; directories are walked with excluded directories pruned.
    """
    found = Discovery()
    files: dict[Path, None] = {}
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            found.errors.append((path, "no such file or directory"))
            continue
        except OSError as exc:
            found.errors.append((path, f"cannot access: {exc.strerror or exc}"))
            continue
        if stat.S_ISDIR(mode):
            files.update(dict.fromkeys(_walk(path, config, found)))
        elif not stat.S_ISREG(mode):
            found.skipped.append((path, f"not a regular file ({special_kind(mode)})"))
        elif force_exclude and _excluded_by_parent(path, config):
            continue
        elif (too_big := _too_big(path, config)) is not None:
            found.skipped.append((path, too_big))
        else:
            files[path] = None
    found.files = sorted(files)
    return found
