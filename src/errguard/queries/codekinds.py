"""Which files are library code, which are tests, and which are the project under test.

A query's call site is the innermost frame of *project* code, and an N+1 is a repetition
inside one call *from test code into project code*. Three kinds of file, decided once per file
name:

- library: the standard library, ``site-packages``/``dist-packages``, anything inside a
  virtualenv (a directory holding ``pyvenv.cfg``, console scripts included: ``<venv>/bin/pytest``),
  the running interpreter's prefix, Django, pytest, pytest-django, xdist and errguard wherever
  they are installed, and pseudo-files such as ``<frozen ...>``;
- test: files pytest collects tests from (its ``python_files`` patterns), ``conftest.py``,
  Django's ``tests.py``, and anything under a ``tests``, ``test`` or ``test_utils`` directory;
- project: everything else.
"""

from __future__ import annotations

import fnmatch
import os
import site
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path
from typing import Final

LIBRARY: Final = 0
PROJECT: Final = 1
TEST: Final = 2

# Packages whose frames are never "the project", wherever they are installed (editable
# installs of these live outside site-packages).
_TOOL_PACKAGES = (
    "django",
    "errguard",
    "asgiref",
    "sqlparse",
    "pytest",
    "_pytest",
    "pluggy",
    "pytest_django",
    "xdist",
    "execnet",
)
_INSTALL_SEGMENTS = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")
_TEST_DIRECTORIES = frozenset({"tests", "test", "test_utils"})
_TEST_FILES = ("conftest.py", "tests.py")
DEFAULT_TEST_PATTERNS = ("test_*.py", "*_test.py")
"""pytest's default ``python_files``."""


def _within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(os.path.join(directory, ""))


def _interpreter_prefixes(root: str | None) -> set[str]:
    """The running interpreter's install trees, unless the project itself lives inside one."""
    prefixes = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix}
    if root is None:
        return prefixes
    return {prefix for prefix in prefixes if not _within(root, os.path.abspath(prefix))}


def _library_directories(root: str | None) -> set[str]:
    directories = {os.path.dirname(os.__file__)} | _interpreter_prefixes(root)
    paths = sysconfig.get_paths()
    directories.update(paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))
    if hasattr(site, "getsitepackages"):
        directories.update(site.getsitepackages())
    directories.add(site.getusersitepackages())
    for name in _TOOL_PACKAGES:
        module_file = getattr(sys.modules.get(name), "__file__", None)
        if module_file:
            directories.add(os.path.dirname(module_file))
    return directories


def _prefixes(directories: set[str]) -> tuple[str, ...]:
    prefixes = set()
    for directory in directories:
        for variant in (os.path.abspath(directory), os.path.realpath(directory)):
            prefixes.add(os.path.normcase(os.path.join(variant, "")))
    return tuple(sorted(prefixes))


class CodeKinds:
    """Classifies file names as LIBRARY, PROJECT or TEST code, caching per directory."""

    def __init__(self, root: Path | None, test_patterns: Iterable[str] = DEFAULT_TEST_PATTERNS):
        self.root = None if root is None else os.path.normcase(os.path.abspath(root))
        self.test_patterns = tuple(test_patterns)
        self._library_prefixes: tuple[str, ...] | None = None
        self._virtualenv: dict[str, bool] = {}

    def kind(self, filename: str) -> int:
        if self.is_library_file(filename):
            return LIBRARY
        return TEST if self.is_test_file(filename) else PROJECT

    def is_library_file(self, filename: str) -> bool:
        if not filename or filename.startswith("<"):
            return True  # <frozen ...>, <string>: no file a report could point at
        if self._library_prefixes is None:
            self._library_prefixes = _prefixes(_library_directories(self.root))
        path = os.path.normcase(os.path.abspath(filename))
        return (
            path.startswith(self._library_prefixes)
            or any(segment in path for segment in _INSTALL_SEGMENTS)
            or self._in_virtualenv(os.path.dirname(path))
        )

    def is_test_file(self, filename: str) -> bool:
        path = os.path.normcase(os.path.abspath(filename))
        if self.root is not None and _within(path, self.root):
            path = os.path.relpath(path, self.root)
        *directories, name = Path(path).parts
        return (
            name in _TEST_FILES
            or any(fnmatch.fnmatchcase(name, pattern) for pattern in self.test_patterns)
            or not _TEST_DIRECTORIES.isdisjoint(directories)
        )

    def _in_virtualenv(self, directory: str) -> bool:
        """Whether ``directory`` is inside a virtualenv that does not contain the project."""
        known = self._virtualenv.get(directory)
        if known is None:
            parent = os.path.dirname(directory)
            holds_project = self.root is not None and _within(self.root, directory)
            if not holds_project and os.path.isfile(os.path.join(directory, "pyvenv.cfg")):
                known = True
            else:
                known = parent != directory and self._in_virtualenv(parent)
            self._virtualenv[directory] = known
        return known
