"""Where query snapshots live: ``__query_snapshots__/<module>.json`` beside each test module.

One JSON object per test module: test id (``test_books`` or ``TestBooks::test_list[x]``) ->
snapshot name -> entries (``snapshot``). Keys are sorted and entries keep their order, so a
file changes only where the queries did. A test's snapshots are written when the test ends:
the file is read, the test's own key merged in and the result written to a temporary file that
replaces it, all under an exclusive lock on the folder, so xdist workers running tests of one
module never lose each other's keys.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from errguard.queries.atomic import replace_text
from errguard.queries.snapshot import Entry, QuerySnapshotError, describe, differences

try:
    import fcntl
except ImportError:  # Windows: the atomic replace alone (a concurrent writer may win)
    fcntl = None  # type: ignore[assignment]

MODES = ("auto", "check", "update")
"""``auto``: compare, write missing snapshots; ``check``: a missing one fails too (the default
when ``CI`` is set); ``update``: write every snapshot recorded, compare nothing."""
FOLDER = "__query_snapshots__"
BODY = "body"
"""The snapshot name of the ``query_snapshot`` marker (the whole test body)."""
UPDATE_HINT = "Run pytest with --errguard-snapshot=update to accept the queries as they are now."


def snapshot_file(module: Path) -> Path:
    return module.parent / FOLDER / f"{module.stem}.json"


def _read(path: Path) -> dict[str, dict[str, list[Entry]]]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as error:  # a merge conflict left in it, say: never overwrite it blindly
        raise QuerySnapshotError(f"{path}: not a query snapshot file: {error}") from None
    if not isinstance(data, dict):
        raise QuerySnapshotError(f"{path}: not a query snapshot file: not a JSON object")
    return data


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # released when the descriptor closes
        yield
    finally:
        os.close(descriptor)


class TestSnapshots:
    """The snapshots of one test: compared as each completes, written when the test ends."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, module: Path, test: str, mode: str, root: Path) -> None:
        self.path = snapshot_file(module)
        self.test = test
        self.mode = mode
        try:
            self._shown = self.path.relative_to(root).as_posix()
        except ValueError:
            self._shown = self.path.as_posix()
        self._unnamed = 0
        self._recorded: dict[str, list[Entry]] = {}
        self._stored: dict[str, list[Entry]] | None = None

    def _name(self, name: str | None) -> str:
        if name is not None:
            return name
        self._unnamed += 1
        return str(self._unnamed)

    def stored(self) -> dict[str, list[Entry]]:
        if self._stored is None:
            self._stored = _read(self.path).get(self.test, {})
        return self._stored

    def check(self, name: str | None, entries: list[Entry]) -> str | None:
        """Record snapshot ``name`` (None: numbered 1, 2, ...); the failure text, if any."""
        name = self._name(name)
        if name in self._recorded:
            return f'query snapshot "{name}" taken twice in {self.test}: give each its own name'
        self._recorded[name] = entries
        if self.mode == "update":
            return None
        title = f'query snapshot "{name}" of {self.test}'
        stored = self.stored().get(name)
        if stored is None:
            if self.mode == "auto":
                return None
            lines = [f"No {title} in {self._shown} (--errguard-snapshot=check, or CI set)."]
            lines.extend(describe(entries))
            lines.append("Run pytest with --errguard-snapshot=update (or without CI) to write it.")
            return "\n".join(lines)
        changes = differences(stored, entries)
        if not changes:
            return None
        return "\n".join([f"The {title} differs from {self._shown}:", *changes, UPDATE_HINT])

    def flush(self, *, completed: bool) -> None:
        """Write what this test should store: in ``update`` mode every snapshot it recorded
        (dropping names it no longer takes if it ``completed``), else only the missing ones."""
        if self.mode == "update":
            wanted = self._recorded
        elif self.mode == "auto":
            stored = self.stored()
            wanted = {name: e for name, e in self._recorded.items() if name not in stored}
        else:
            wanted = {}
        if not wanted:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path.parent):
            data = _read(self.path)
            mine = {} if self.mode == "update" and completed else data.get(self.test, {})
            data[self.test] = {**mine, **wanted}
            replace_text(self.path, json.dumps(data, indent=2, sort_keys=True) + "\n")
