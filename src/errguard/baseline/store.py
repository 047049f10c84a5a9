"""The baseline file: JSON, sorted, one entry per distinct finding with a count of its repeats,
so that a change to it reads as a small diff in code review."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from errguard.baseline.fingerprint import Identity
from errguard.config import ConfigError
from errguard.fileio import read_regular

# Bumped when entries or fingerprints change meaning: an older file is refused, not misread.
VERSION = 1
DEFAULT_NAME = "errguard-baseline.json"
_FIELDS: Mapping[str, type] = {
    "code": str,
    "path": str,
    "scope": str,
    "fingerprint": str,
    "context": str,
    "count": int,
    "message": str,
}


@dataclass(frozen=True)
class Entry:
    """One recorded finding and how many identical ones there were. The message is for people
    reading the file (as it was when recorded); matching never reads it."""

    identity: Identity
    count: int
    message: str

    def as_json(self) -> dict[str, Any]:
        identity = self.identity
        return {
            "code": identity.code,
            "path": identity.path,
            "scope": identity.scope,
            "fingerprint": identity.fingerprint,
            "context": identity.context,
            "count": self.count,
            "message": self.message,
        }


def merged(entries: Iterable[Entry]) -> list[Entry]:
    """One entry per identity (counts added, the first message kept), in file order."""
    by_identity: dict[Identity, Entry] = {}
    for entry in entries:
        seen = by_identity.get(entry.identity)
        count = entry.count + (seen.count if seen else 0)
        by_identity[entry.identity] = Entry(entry.identity, count, (seen or entry).message)
    return [by_identity[identity] for identity in sorted(by_identity, key=_file_order)]


def _file_order(identity: Identity) -> tuple[str, str, str, str, str]:
    return identity.path, identity.code, identity.scope, identity.fingerprint, identity.context


def dumps(entries: Iterable[Entry]) -> str:
    document = {
        "version": VERSION,
        "tool": "errguard",
        "findings": [entry.as_json() for entry in merged(entries)],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, entries: Iterable[Entry]) -> None:
    try:
        path.write_text(dumps(entries), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None


def read(path: Path) -> list[Entry]:
    """The entries of the baseline file ``path``; a ConfigError says why it cannot be used."""
    try:
        data = read_regular(path)
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: baseline not found (record one with `errguard check --write-baseline`)"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not an errguard baseline: {exc}") from None
    return _entries(document, path)


def _entries(document: Any, path: Path) -> list[Entry]:
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise ConfigError(f'{path}: not an errguard baseline (no "findings" list)')
    version = document.get("version")
    if version != VERSION:
        raise ConfigError(
            f"{path}: baseline version {version!r}, this errguard reads version {VERSION}: "
            "record it again with `errguard check --write-baseline`"
        )
    return [_entry(item, index, path) for index, item in enumerate(document["findings"])]


def _entry(item: Any, index: int, path: Path) -> Entry:
    if not isinstance(item, dict):
        raise ConfigError(f"{path}: findings[{index}] must be an object, got {item!r}")
    for name, kind in _FIELDS.items():
        value = item.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ConfigError(
                f"{path}: findings[{index}].{name} must be a {kind.__name__}, got {value!r}"
            )
    if item["count"] < 1:
        raise ConfigError(f"{path}: findings[{index}].count must be at least 1")
    identity = Identity(
        *(item[name] for name in ("code", "path", "scope", "fingerprint", "context"))
    )
    return Entry(identity, item["count"], item["message"])
