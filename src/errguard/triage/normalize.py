"""Error messages with their volatile parts replaced, so that one cause reads the same each time.

Two failures of one cause differ in ids, counts, memory addresses, timestamps, temporary paths
and the values they quote; each becomes a placeholder. Absolute paths under the project root
lose the root, so the message is the same on every machine.
"""

from __future__ import annotations

import os
import re
import tempfile

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
_NUMBER = re.compile(r"(?<![\w<])[-+]?\d+(?:\.\d+)*(?:[eE][-+]?\d+)?(?![\w>])")


def _directories_pattern(directories: set[str]) -> re.Pattern[str]:
    longest_first = sorted(directories, key=len, reverse=True)
    alternatives = "|".join(re.escape(directory.rstrip("/\\")) for directory in longest_first)
    return re.compile(f"(?:{alternatives}){_PATH_TAIL}")


class MessageNormalizer:
    """Normalises messages of one project (its root) on this machine (its temp directories)."""

    def __init__(self, root: str | None) -> None:
        temp = {tempfile.gettempdir(), *_TEMP_ROOTS}
        temp |= {os.path.realpath(directory) for directory in temp}
        self._temp = _directories_pattern(temp)
        self._root = None if root is None else re.compile(re.escape(root.rstrip("/\\")))

    def normalize(self, message: str) -> str:
        """The message's first line with placeholders: ``<TMP>``, ``<UUID>``, ``<TIME>``,
        ``<HEX>``, ``<STR>`` for a quoted literal and ``<N>`` for a number."""
        text = _first_line(message)
        if self._root is not None:  # first: the project may itself be in a temp directory
            text = self._root.sub("<ROOT>", text)
        text = self._temp.sub("<TMP>", text)
        for pattern, placeholder in (
            (_UUID, "<UUID>"),
            (_TIMESTAMP, "<TIME>"),
            (_HEX, "<HEX>"),
            (_QUOTED, "<STR>"),
            (_NUMBER, "<N>"),
        ):
            text = pattern.sub(placeholder, text)
        return text[:MAX_LENGTH]


def _first_line(message: str) -> str:
    for line in message.splitlines():
        if line.strip():
            return line.strip()
    return ""
