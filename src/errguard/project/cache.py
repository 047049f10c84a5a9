"""On-disk cache of per-file facts, keyed by file content, shared by the CLI, its workers and
the flake8 plugin. JSON (not pickle): a cache file from elsewhere must never run code."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

from errguard import __version__

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


def code_fingerprint(*modules: ModuleType) -> str:
    """A digest of the source of the modules that compute cached facts."""
    return digest(b"".join(Path(m.__file__ or "").read_bytes() for m in modules))


class FileCache:
    """``{relative path: {"digest": ..., **facts}}`` for one kind of facts in one project."""

    # Read but not written while files are checked as fixes would leave them (fix --diff): the
    # facts of contents that are not on disk would only push out those of the files that are.
    read_only: ClassVar[bool] = False

    def __init__(self, root: Path, kind: str, schema: str) -> None:
        """``schema`` changes whenever the code producing the facts changes."""
        self.path = root / CACHE_DIRECTORY / f"{kind}.json"
        self.version = f"{__version__}:{schema}"
        self.entries: dict[str, dict[str, Any]] = {}
        self.dirty = False
        self.disabled = cache_disabled()
        if self.disabled:
            return
        with contextlib.suppress(OSError, ValueError):
            document = json.loads(self.path.read_text(encoding="utf-8"))
            if document.get("version") == self.version and isinstance(document.get("files"), dict):
                self.entries = document["files"]

    def get(self, name: str, content_digest: str, key: str = "") -> dict[str, Any] | None:
        entry = self.entries.get(name)
        if entry and entry.get("digest") == content_digest and entry.get("key") == key:
            return entry
        return None

    def put(self, name: str, content_digest: str, facts: dict[str, Any], key: str = "") -> None:
        self.entries[name] = {"digest": content_digest, "key": key, **facts}
        self.dirty = True

    def save(self) -> None:
        """Write atomically; a read-only checkout just goes without a cache."""
        if not self.dirty or self.disabled or self.read_only:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by errguard\n*\n", encoding="utf-8")
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                # dumps, not dump: json.dump encodes in Python, dumps in C (several times faster).
                stream.write(json.dumps({"version": self.version, "files": self.entries}))
            os.replace(temporary, self.path)
            self.dirty = False
