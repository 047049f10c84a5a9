"""Where a query came from: the innermost stack frame in project code, found cheaply.

A query's stack is walked from the database call outwards until a frame whose file is not
library code: not the standard library, not site-packages, not Django, pytest or errguard.
Each file is classified once, so the walk costs a dictionary lookup per frame (keyed by the
file name: a string caches its hash, a code object does not). The result is kept as a
``(file, line, function)`` tuple and turned into text only when a report shows it.
"""

from __future__ import annotations

import os
import site
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

FrameKey = tuple[str, int, str]
"""A call site as recorded for each query: file name, line number, raw qualified name."""

# co_qualname (Class.method, outer.<locals>.inner) exists from Python 3.11; co_name before.
_NAME_ATTRIBUTE = "co_qualname" if sys.version_info >= (3, 11) else "co_name"

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


@dataclass(frozen=True)
class CallSite:
    """A line of project code that ran a query: ``app/reports.py:9 in book_author_names``."""

    path: str
    """The file, relative to pytest's rootdir when inside it, with ``/`` separators."""
    lineno: int
    function: str
    filename: str = field(compare=False, repr=False)
    """The absolute file name, as Python reports it."""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.lineno}"

    def __str__(self) -> str:
        return f"{self.location} in {self.function}"


def _library_directories() -> set[str]:
    directories = {os.path.dirname(os.__file__)}
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


_COMPREHENSIONS = frozenset({"<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>"})


def _function_name(qualname: str) -> str:
    """``Class.method`` or ``function``: a comprehension's frame is named after its function.

    From Python 3.11 ``books.<locals>.<listcomp>`` reads ``books``; 3.10 only has the
    comprehension's own name.
    """
    parts = qualname.split(".")
    while len(parts) > 1 and parts[-1] in _COMPREHENSIONS:
        parts.pop()
    return ".".join(part for part in parts if part != "<locals>")


def _frame_name(frame: FrameType) -> str:
    """The frame's qualified name; Python 3.10 names a comprehension's frame only ``<listcomp>``.

    There the function is the one that runs the comprehension: the caller in the same file.
    """
    code = frame.f_code
    name: str = getattr(code, _NAME_ATTRIBUTE)
    caller = frame.f_back
    while name in _COMPREHENSIONS and caller is not None:
        if caller.f_code.co_filename != code.co_filename:
            break
        name = getattr(caller.f_code, _NAME_ATTRIBUTE)
        caller = caller.f_back
    return name


class CallSiteFinder:
    """Finds and names the project frame of each query; one per test session."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self._library: dict[str, bool] = {}
        self._resolved: dict[FrameKey, CallSite] = {}
        self._library_prefixes: tuple[str, ...] | None = None

    def find(self, frame: FrameType | None) -> FrameKey | None:
        """The innermost project frame from ``frame`` outwards, or None when there is none."""
        library = self._library
        while frame is not None:
            code = frame.f_code
            filename = code.co_filename
            skip = library.get(filename)
            if skip is None:
                skip = library[filename] = self.is_library_file(filename)
            if not skip:
                return (filename, frame.f_lineno, _frame_name(frame))
            frame = frame.f_back
        return None

    def is_library_file(self, filename: str) -> bool:
        if not filename or filename.startswith("<"):
            return True  # <frozen ...>, <string>: no file a report could point at
        if self._library_prefixes is None:
            self._library_prefixes = _prefixes(_library_directories())
        path = os.path.normcase(os.path.abspath(filename))
        return path.startswith(self._library_prefixes) or any(
            segment in path for segment in _INSTALL_SEGMENTS
        )

    def resolve(self, key: FrameKey | None) -> CallSite | None:
        if key is None:
            return None
        call_site = self._resolved.get(key)
        if call_site is None:
            filename, lineno, qualname = key
            call_site = CallSite(
                self.display_path(filename), lineno, _function_name(qualname), filename
            )
            self._resolved[key] = call_site
        return call_site

    def display_path(self, filename: str) -> str:
        path = Path(filename)
        if self.root is not None:
            try:
                return path.relative_to(self.root).as_posix()
            except ValueError:
                pass
        return path.as_posix()
