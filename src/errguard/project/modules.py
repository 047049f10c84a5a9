"""Where a project starts and what module name each of its files has, read from the file tree."""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "manage.py", ".git")


def find_project_root(path: Path) -> Path | None:
    """The nearest directory holding a project marker, walking up from ``path``."""
    start = path.resolve()
    found = _marked_ancestor(str(start if start.is_dir() else start.parent))
    return Path(found) if found is not None else None


def forget_roots() -> None:
    """Forget which directories hold project markers (a test may create one later)."""
    _marked_ancestor.cache_clear()


@functools.lru_cache(maxsize=4096)
def _marked_ancestor(directory: str) -> str | None:
    # Memoised per directory: the files of one tree share their ancestors' answers.
    if any(os.path.exists(os.path.join(directory, marker)) for marker in ROOT_MARKERS):
        return directory
    parent = os.path.dirname(directory)
    return None if parent == directory else _marked_ancestor(parent)


def import_root(path: Path, src: Sequence[Path] = ()) -> Path:
    """The directory imports of ``path`` are relative to.

    A configured ``src`` root that contains the file wins (the longest); otherwise walk up while
    directories are packages (hold an ``__init__.py``), as Python's own import system would see
    a script run from that directory. An app's ``management/commands`` directories count as
    packages without one: Django imports every command as ``<app>.management.commands.<name>``,
    and Python makes such directories namespace packages inside the app's package.
    """
    return _import_root(os.path.dirname(os.path.abspath(path)), tuple(src))


@functools.lru_cache(maxsize=4096)
def _import_root(folder: str, src: tuple[Path, ...]) -> Path:
    directory = Path(folder)
    containing = [root for root in src if directory.is_relative_to(root)]
    if containing:
        return max(containing, key=lambda root: len(root.parts))
    while _is_package(directory) and directory.parent != directory:
        directory = directory.parent
    return directory


def _is_package(directory: Path) -> bool:
    if (directory / "__init__.py").exists():
        return True
    if directory.name == "commands" and directory.parent.name == "management":
        return (directory.parent.parent / "__init__.py").exists()
    return directory.name == "management" and (directory.parent / "__init__.py").exists()


def module_name(path: Path, src: Sequence[Path] = ()) -> str:
    """Dotted module name of a file: ``shop/models/book.py`` -> ``shop.models.book``."""
    # String operations: this runs for every file of a project, and pathlib's are slow.
    folder, filename = os.path.split(os.path.abspath(path))
    root = str(_import_root(folder, tuple(src)))
    inner = folder[len(root) :].strip(os.sep)
    parts = inner.split(os.sep) if inner else []
    stem = os.path.splitext(filename)[0]
    if stem != "__init__":
        parts.append(stem)
    return ".".join(parts) or stem


def resolve_relative(name: str, current_module: str, *, is_package: bool = False) -> str:
    """Turn ``..models.Book`` seen in ``current_module`` into an absolute dotted name."""
    level = len(name) - len(name.lstrip("."))
    if level == 0:
        return name
    package = current_module.split(".")
    if not is_package:
        package = package[:-1]
    if level > 1:
        package = package[: len(package) - (level - 1)]
    rest = name[level:]
    return ".".join([*package, rest] if rest else package)


_TEST_FILES = frozenset({"tests.py", "testcases.py", "testing.py", "conftest.py"})
_TEST_DIRECTORIES = frozenset({"tests", "test", "testing", "test_utils"})


@functools.lru_cache(maxsize=4096)
def runs_once_or_in_tests(path: Path, root: Path) -> bool:
    """Test code and data migrations: neither serves concurrent requests nor real data sizes.

    Tests loop over a handful of fixtures on purpose, and a migration runs once, in one
    process, so the N+1 and race rules have nothing useful to say there.
    """
    return in_tests(path, root) or "migrations" in _folders(path, root)


def in_tests(path: Path, root: Path) -> bool:
    """A test module (``test_*.py``, ``tests.py``, ``conftest.py``) or a module below a
    ``tests`` directory."""
    name = path.name
    if name.startswith("test_") or name.endswith(("_test.py", "_tests.py")) or name in _TEST_FILES:
        return True
    return any(part in _TEST_DIRECTORIES for part in _folders(path, root))


def test_data(path: Path) -> bool:
    """A file inside a test directory's data: below ``tests/`` in its project (the nearest
    marked root, else the working directory), some directory has a name no import can spell
    (``tests/git_data/02-invalid-files/jobs/broken.py``).

    Such a directory is not a package of the project; the tests read the files in it, or load
    them by path as a stand-in for someone else's code, and invalid ones are there on purpose.
    """
    root = find_project_root(path) or Path.cwd()  # unmarked: below where errguard runs
    folders = _folders(path.resolve(), root)
    for index, part in enumerate(folders):
        if part in _TEST_DIRECTORIES:
            return any(not folder.isidentifier() for folder in folders[index + 1 :])
    return False


def in_migrations(path: Path, root: Path) -> bool:
    """A module of a ``migrations`` package: it runs once, in one process, on deploy.

    A ``migrations`` directory without ``__init__.py`` is an import root of its own.
    """
    return root.name == "migrations" or "migrations" in _folders(path, root)


def _folders(path: Path, root: Path) -> tuple[str, ...]:
    """The directories between the project root and the file."""
    absolute = Path(os.path.abspath(path))
    inside = absolute.relative_to(root) if absolute.is_relative_to(root) else Path(path.name)
    return inside.parts[:-1]
