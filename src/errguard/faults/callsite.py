"""The line of project code that led to the current call (not the libraries' lines)."""

from __future__ import annotations

import linecache
import os
import sys
import sysconfig
from pathlib import Path
from types import FrameType

import errguard


def _library_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    roots.add(str(Path(errguard.__file__).resolve().parent))
    roots.update(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))
    return tuple(os.path.join(os.path.realpath(root), "") for root in roots)


_LIBRARY_ROOTS = _library_roots()


def call_site(frame: FrameType | None = None) -> str | None:
    """``path:line in function`` and the source line of the innermost project frame."""
    frame = frame or sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith("<") and not os.path.realpath(filename).startswith(
            _LIBRARY_ROOTS
        ):
            return _describe(filename, frame)
        frame = frame.f_back
    return None


def _describe(filename: str, frame: FrameType) -> str:
    try:
        shown = os.path.relpath(filename)
    except ValueError:  # another drive, on Windows
        shown = filename
    if shown.startswith(".."):
        shown = filename
    where = f"{shown}:{frame.f_lineno} in {frame.f_code.co_name}"
    line = linecache.getline(filename, frame.f_lineno).strip()
    return f"{where}\n    {line}" if line else where
