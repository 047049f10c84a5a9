"""Catch tests that read files or run programs outside the checkout.

A path that exists only on one developer's machine (a hard-coded interpreter, a home directory)
passes there and fails everywhere else; CI clones the repository afresh, but the machine still
has the original checkout, so such a path would pass CI too. An audit hook sees every ``open``,
directory listing and subprocess of the test process and records the absolute paths that are
neither in the checkout, a temporary directory, the running Python's installation, nor the
operating system's own directories.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import tempfile
from collections.abc import Iterable
from pathlib import Path

# The operating system's directories: libraries, binaries, certificates, time zones, devices.
_SYSTEM_ROOTS = ("/usr", "/etc", "/dev", "/proc", "/sys", "/lib", "/lib64", "/bin", "/sbin", "/run")
_WATCHED_EVENTS = frozenset({"open", "os.listdir", "os.scandir", "subprocess.Popen"})


def _real(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(os.fspath(path))


def allowed_roots(checkout: Path) -> tuple[str, ...]:
    """Directories a test may read: the checkout, temp dirs, this Python, the OS."""
    python = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values()}
    roots = {_real(checkout), _real(tempfile.gettempdir()), *map(_real, python), *_SYSTEM_ROOTS}
    return tuple(sorted(root.rstrip("/") + "/" for root in roots))


def _candidate_paths(event: str, args: tuple[object, ...]) -> Iterable[object]:
    if event == "subprocess.Popen":
        executable, argv = args[0], args[1]
        if executable:
            yield executable
        if isinstance(argv, (list, tuple)) and argv:
            yield argv[0]
        return
    if args:
        yield args[0]


class OutsideReads:
    """Records reads outside the allowed roots while installed as an audit hook."""

    def __init__(self, roots: tuple[str, ...]) -> None:
        self.roots = roots
        self.seen: dict[str, str] = {}
        self.active = False

    def __call__(self, event: str, args: tuple[object, ...]) -> None:
        if not self.active or event not in _WATCHED_EVENTS:
            return
        for candidate in _candidate_paths(event, args):
            path = os.fsdecode(candidate) if isinstance(candidate, bytes) else candidate
            if isinstance(path, (str, os.PathLike)) and os.path.isabs(path):
                self._check(event, os.fspath(path))

    def _check(self, event: str, path: str) -> None:
        # Paths are compared as written and resolved: a symlink into an allowed root is fine.
        for form in (os.path.normpath(path), _real(path)):
            if (form + "/").startswith(self.roots):
                return
        self.seen.setdefault(path, event)
