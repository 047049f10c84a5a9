"""On-disk cache of per-file facts, keyed by file content, shared by the CLI, its workers and
the flake8 plugin. JSON (not pickle): a cache file from elsewhere must never run code."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, Generic, TypeVar

from errguard import __version__
from errguard.fileio import read_regular
from errguard.project.shapes import as_json, conforms

CACHE_DIRECTORY = ".errguard_cache"
# An environment variable, not a parameter, so worker processes and the flake8 plugin see it.
NO_CACHE_VARIABLE = "ERRGUARD_NO_CACHE"


def cache_disabled() -> bool:
    return os.environ.get(NO_CACHE_VARIABLE, "") not in ("", "0")


@contextlib.contextmanager
def cache_switched_off(switch_off: bool) -> Iterator[None]:
    """Disable the cache for this process and the workers it starts, then restore the setting."""
    if not switch_off:
        yield
        return
    before = os.environ.get(NO_CACHE_VARIABLE)
    os.environ[NO_CACHE_VARIABLE] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[NO_CACHE_VARIABLE]
        else:
            os.environ[NO_CACHE_VARIABLE] = before


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _seal(name: str, content_digest: str, key: str, facts: Facts) -> str:
    """A digest binding an entry's facts to its file, content and key."""
    return digest(json.dumps([name, content_digest, key, facts]).encode())


def code_fingerprint(*modules: ModuleType) -> str:
    """A digest of the source of the modules that compute cached facts."""
    return digest(b"".join(Path(m.__file__ or "").read_bytes() for m in modules))


Facts = dict[str, Any]
T = TypeVar("T")
# Part of every cache file's version: bumped when the layout of an entry changes.
_LAYOUT = "sealed-1"


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How one kind of facts goes to JSON and back.

    ``decode(facts, key, name)`` builds the value from an entry's facts, its key (a module
    name) and its file's relative path; ``encode`` gives the facts of a value; ``shape`` is
    the value's type, checked field by field (:func:`errguard.project.shapes.conforms`).
    """

    decode: Callable[[Facts, str, str], T]
    encode: Callable[[T], Facts]
    shape: Any


class FileCache(Generic[T]):
    """``{relative path: {"digest", "key", "check", "facts"}}`` for one kind of facts in one
    project, keyed by file content.

    Nothing read from the file is trusted: an entry is used only when its ``check`` seals its
    name, digest, key and facts (a truncated, edited or moved entry fails), and its facts
    decode to a value of the kind's shape that encodes back to exactly those facts. Anything
    else is dropped and rebuilt by whoever asked for it.
    """

    # Read but not written while files are checked as fixes would leave them (fix --diff): the
    # facts of contents that are not on disk would only push out those of the files that are.
    read_only: ClassVar[bool] = False

    def __init__(self, root: Path, kind: str, schema: str, codec: Codec[T]) -> None:
        """``schema`` changes whenever the code producing the facts changes."""
        self.path = root / CACHE_DIRECTORY / f"{kind}.json"
        self.version = f"{__version__}:{_LAYOUT}:{schema}"
        self.codec = codec
        self.entries: dict[str, Any] = {}
        self.dirty = False
        self.disabled = cache_disabled()
        if self.disabled:
            return
        # ValueError: not UTF-8, not JSON; RecursionError: JSON nested deeper than Python goes.
        with contextlib.suppress(OSError, ValueError, RecursionError):
            document = json.loads(read_regular(self.path).decode("utf-8"))
            files = document.get("files") if isinstance(document, dict) else None
            if isinstance(files, dict) and document.get("version") == self.version:
                self.entries = files

    def get(self, name: str, content_digest: str, key: str = "") -> T | None:
        entry = self.entries.get(name)
        if not isinstance(entry, dict):
            return None
        if entry.get("digest") != content_digest or entry.get("key") != key:
            return None  # an older version of the file, or another module's
        value = self._decode(name, entry)
        if value is None:
            del self.entries[name]
            self.dirty = True
        return value

    def _decode(self, name: str, entry: dict[str, Any]) -> T | None:
        facts = entry.get("facts")
        if not isinstance(facts, dict):
            return None
        if entry.get("check") != _seal(name, entry["digest"], entry["key"], facts):
            return None
        try:
            value = self.codec.decode(facts, entry["key"], name)
        except Exception:  # facts of any shape may reach a decoder: a failure means invalid
            return None
        if not conforms(value, self.codec.shape) or as_json(self.codec.encode(value)) != facts:
            return None
        return value

    def put(self, name: str, content_digest: str, value: T, key: str = "") -> None:
        facts = self.codec.encode(value)
        check = _seal(name, content_digest, key, facts)
        self.entries[name] = {"digest": content_digest, "key": key, "check": check, "facts": facts}
        self.dirty = True

    def save(self) -> None:
        """Write atomically; a read-only checkout just goes without a cache."""
        if not self.dirty or self.disabled or self.read_only:
            return
        if write_atomically(self.path, {"version": self.version, "files": self.entries}):
            self.dirty = False


def write_atomically(path: Path, document: object) -> bool:
    """Write ``document`` as JSON to ``path`` in ``CACHE_DIRECTORY``, or nothing (False) when
    the directory cannot be written: a read-only checkout just goes without a cache."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# created by errguard\n*\n", encoding="utf-8")
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            # dumps, not dump: json.dump encodes in Python, dumps in C (several times faster).
            stream.write(json.dumps(document))
        os.replace(temporary, path)
        return True
    return False
