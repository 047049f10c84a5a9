"""The one way errguard reads a project's files and shows their names.

A tree can hold anything named ``*.py``: a FIFO (reading it blocks until a writer comes, so the
run would hang), a socket, a device behind a symlink. Only regular files are read. File names
are bytes on POSIX; one that is not UTF-8 reaches Python with surrogate escapes, which cannot be
encoded for output, so names are shown with the bytes escaped instead.
"""

from __future__ import annotations

import os
import stat

# O_NONBLOCK: should a FIFO replace the file between the stat and the open, opening it does not
# wait for a writer (and fstat then refuses it). Neither flag exists on Windows.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


class NotRegularFile(OSError):
    """The path names a FIFO, socket, device or directory; ``strerror`` says which."""

    def __init__(self, path: str | os.PathLike[str], mode: int) -> None:
        super().__init__(f"not a regular file ({special_kind(mode)})")
        self.strerror = str(self)
        self.filename = os.fspath(path)


def special_kind(mode: int) -> str:
    """What a file that is not regular is, for messages."""
    return next((kind for test, kind in _KINDS if test(mode)), "a special file")


def read_regular(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file; raises ``NotRegularFile`` (an ``OSError``) for anything
    else, without opening it: opening a device can have effects of its own."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(path, mode)
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):  # replaced between the two looks
            raise NotRegularFile(path, mode)
        with open(descriptor, "rb", closefd=False) as stream:
            return stream.read()
    finally:
        os.close(descriptor)


def printable_name(name: str) -> str:
    """``name`` with the bytes that are not UTF-8 shown as ``\\xe9``: a surrogate escape (from
    an undecodable file name) cannot be written to a UTF-8 stream or to JSON consumers."""
    if is_encodable(name):
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def is_encodable(name: str) -> bool:
    """Whether ``name`` came from a UTF-8 file name (Python's import system finds no other)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
