"""Error messages with their volatile parts replaced, so that one cause reads the same each time.

Two failures of one cause differ in ids, counts, memory addresses, timestamps, temporary paths
and the values they quote; each becomes a placeholder. Absolute paths under the project root
lose the root, so the message is the same on every machine.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable

MAX_LENGTH = 300
"""Longer messages are cut: a fingerprint needs the gist, a summary line stays readable."""

_PATH_TAIL = r"""(?:[/\\][^\s'"`,;:)\]}>]*)*"""
_TEMP_ROOTS = ("/tmp", "/var/tmp", "/var/folders", "/private/var/folders", "/private/tmp")
_UUID = re.compile(
    r"\b[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\b"
)
_TIMESTAMP = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
    r"|\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b"
)
_HEX = re.compile(r"\b0x[0-9a-fA-F]+\b")
# An apostrophe inside a word (can't) opens no literal.
_QUOTED = re.compile(r"""(?<!\w)(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")(?!\w)""")
# Any other absolute path (a library's file, the interpreter's) is this machine's.
_ABSOLUTE_PATH = re.compile(
    r"""(?<![\w<>.:/\\])(?:[A-Za-z]:)?[/\\](?:[^\s'"`,;:()\[\]{}<>/\\]+[/\\])+"""
    r"""[^\s'"`,;:()\[\]{}<>]*"""
)
# Not a digit that names something: app_book2, v1.2, N+1.
_NUMBER = re.compile(r"(?<![\w<+.])[-+]?\d+(?:\.\d+)*(?:[eE][-+]?\d+)?(?![\w>])")


class MessageNormalizer:
    """Normalises messages of one project (its root) on this machine (its temp directories)."""

    def __init__(self, root: str | None, temp_directories: Iterable[str] = ()) -> None:
        temp = {tempfile.gettempdir(), *_TEMP_ROOTS, *temp_directories}
        temp |= {os.path.realpath(directory) for directory in temp}
        placeholders = dict.fromkeys(temp, "<TMP>")
        if root is not None:
            placeholders[root] = "<ROOT>"
        # The longest directory first: a pytest --basetemp inside the project is temporary,
        # and a project inside /tmp (a CI checkout) is the project.
        directories = sorted(placeholders, key=len, reverse=True)
        self._placeholders = [placeholders[directory] for directory in directories]
        alternatives = "|".join(f"({re.escape(_without_separator(d))})" for d in directories)
        self._paths = re.compile(f"(?:{alternatives})(?![\\w.-]){_PATH_TAIL}")

    def normalize(self, message: str) -> str:
        """The message's first line with placeholders: ``<ROOT>`` for the project's directory,
        ``<TMP>`` for a temporary path, ``<PATH>`` for another absolute path, ``<UUID>``,
        ``<TIME>``, ``<HEX>``, ``<STR>`` for a quoted literal and ``<N>`` for a number."""
        text = self._paths.sub(self._path_placeholder, _first_line(message))
        for pattern, placeholder in (
            (_ABSOLUTE_PATH, "<PATH>"),
            (_UUID, "<UUID>"),
            (_TIMESTAMP, "<TIME>"),
            (_HEX, "<HEX>"),
            (_QUOTED, "<STR>"),
            (_NUMBER, "<N>"),
        ):
            text = pattern.sub(placeholder, text)
        return text[:MAX_LENGTH]

    def _path_placeholder(self, match: re.Match[str]) -> str:
        placeholder = self._placeholders[(match.lastindex or 1) - 1]
        if placeholder == "<ROOT>":
            return placeholder + match.group(0)[len(match.group(match.lastindex or 1)) :]
        return placeholder


def _without_separator(directory: str) -> str:
    return directory.rstrip("/\\") or directory


def _first_line(message: str) -> str:
    for line in message.splitlines():
        if line.strip():
            return line.strip()
    return ""
