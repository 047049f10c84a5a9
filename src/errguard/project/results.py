"""Per-file findings kept between runs in ``.errguard_cache/results.json``.

An entry is used only when its key matches (the file's content, where it is shown, its module
name, the project root, the effective configuration for it, errguard's code and Python's
version) and every project-wide fact its check read (``reads``) is unchanged
(``dependencies``). Like the facts caches, nothing read from disk is trusted: an entry must
be sealed with a digest of its content and be of the expected shape, or it is ignored and the
file checked again.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from errguard import __version__
from errguard.detect.engine import FileResult
from errguard.fileio import read_regular
from errguard.models import Applicability, Violation
from errguard.project.cache import CACHE_DIRECTORY, FileCache, digest, write_atomically
from errguard.project.dependencies import KINDS, Digests, ProjectState

_LAYOUT = "results-1"
_INTEGER_FIELDS = ("line", "column", "end_line", "end_column")


@functools.cache
def code_version() -> str:
    """errguard's version, a digest of its source (a rule edited in a checkout counts) and
    the Python version (what parses, and how, depends on it)."""
    package = Path(__file__).resolve().parent.parent
    files = sorted(package.rglob("*.py"))
    source = digest(b"".join(path.read_bytes() for path in files))
    return f"{__version__}:{_LAYOUT}:{source}:{sys.version_info[0]}.{sys.version_info[1]}"


def encode_result(result: FileResult) -> dict[str, Any] | None:
    """The result as JSON; None when it is not one to keep (an internal error, a skipped
    file, a note). Neither a fix's data nor its edits are kept: a run that makes or shows
    fixes checks a file with any again."""
    if result.errors or result.skipped is not None or result.notes:
        return None
    violations = [
        {
            "code": v.code,
            "message": v.message,
            "help": v.help,
            "line": v.line,
            "column": v.column,
            "end_line": v.end_line,
            "end_column": v.end_column,
            "fix": v.fix.value if v.fix is not None else None,
        }
        for v in result.violations
    ]
    return {"violations": violations}


def decode_result(data: Any, path: str) -> FileResult:
    """Raises (KeyError, TypeError, ValueError) on anything not written by ``encode_result``."""
    violations = []
    for item in data["violations"]:
        numbers = [item[name] for name in _INTEGER_FIELDS]
        if not all(type(n) is int for n in numbers):
            raise TypeError("a position is not an integer")
        texts = (item["code"], item["message"], item["help"])
        if not all(isinstance(text, str) for text in texts):
            raise TypeError("a code, message or help is not text")
        fix = item["fix"]
        violations.append(
            Violation(
                code=item["code"],
                message=item["message"],
                line=numbers[0],
                column=numbers[1],
                end_line=numbers[2],
                end_column=numbers[3],
                path=path,
                fix=Applicability(fix) if fix is not None else None,
                help=item["help"],
            )
        )
    return FileResult(path, violations)


def _seal(name: str, key: str, reads: Any, result: Any) -> str:
    return digest(json.dumps([name, key, reads, result]).encode())


class ResultCache:
    """The kept results of one project's files, by path relative to its root."""

    def __init__(self, root: Path, state: ProjectState) -> None:
        self.root = root
        self.state = state
        self.path = root / CACHE_DIRECTORY / "results.json"
        self.version = code_version()
        self.entries: dict[str, Any] = {}
        self.dirty = False
        with contextlib.suppress(OSError, ValueError, RecursionError):
            document = json.loads(read_regular(self.path).decode("utf-8"))
            files = document.get("files") if isinstance(document, dict) else None
            if isinstance(files, dict) and document.get("version") == self.version:
                self.entries = files

    def name(self, path: Path) -> str:
        return os.path.relpath(os.path.abspath(path), self.root)

    def get(self, path: Path, key: str, display: str) -> FileResult | None:
        """The kept result of ``path`` when it is still what a check would find."""
        name = self.name(path)
        entry = self.entries.get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        reads, result = entry.get("reads"), entry.get("result")
        try:
            if entry.get("check") != _seal(name, key, reads, result):
                raise ValueError("not sealed")
            stored = [_digests(read) for read in reads]  # type: ignore[union-attr]
            decoded = decode_result(result, display)
        except (KeyError, TypeError, ValueError, AttributeError):
            del self.entries[name]
            self.dirty = True
            return None
        if not all(self.state.unchanged(read) for read in stored):
            return None
        return decoded

    def put(self, path: Path, key: str, reads: Iterable[Digests], result: dict[str, Any]) -> None:
        name = self.name(path)
        listed = [list(read) for read in sorted(reads)]
        check = _seal(name, key, listed, result)
        self.entries[name] = {"key": key, "reads": listed, "result": result, "check": check}
        self.dirty = True

    def save(self) -> None:
        if not self.dirty or FileCache.read_only:
            return
        if write_atomically(self.path, {"version": self.version, "files": self.entries}):
            self.dirty = False


def _digests(read: Any) -> Digests:
    if not (isinstance(read, list) and len(read) == 4 and all(isinstance(p, str) for p in read)):
        raise TypeError("a read is not four strings")
    if read[0] not in KINDS:
        raise ValueError(f"unknown read {read[0]!r}")
    kind, key, inputs, value = read
    return kind, key, inputs, value
