"""Query snapshots: the shapes a block ran, compared with those stored beside the test module.

A snapshot is a list of query shapes in the order each first ran, one entry per alias, shape
(``normalize.shape``: no literals, no ``IN`` list lengths) and call site, with how many
times it ran. The call site is the file and function without the line number, so editing
lines above a query does not churn every snapshot of the module. Comparing counts per entry
rather than the exact sequence keeps queries from other threads, which interleave
differently from run to run, from failing a snapshot that did not change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import TracebackType

from errguard.queries.callsite import CallSite
from errguard.queries.log import ALIAS, SITE, SQL, QueryLog
from errguard.queries.normalize import display, shape

Entry = dict[str, "str | int"]
"""``{"alias": ..., "sql": ..., "site": ..., "count": ...}``: JSON as stored."""
Check = Callable[[str | None, list[Entry]], str | None]
"""Records a completed snapshot under a name (None: numbered) and returns the failure text."""


class QuerySnapshotError(AssertionError):
    """A query snapshot differs from the stored one (or is missing where that fails)."""


def site_text(site: CallSite | None) -> str:
    """``app/views.py in books``: a call site without its line number."""
    return f"{site.path} in {site.function}" if site is not None else "(no project frame)"


def record(log: QueryLog, start: int, end: int) -> list[Entry]:
    """The snapshot of the queries in ``[start, end)``, every alias and thread."""
    resolve = log.finder.resolve
    counts: dict[tuple[str, str, str], int] = {}
    for raw in log.records[start:end]:
        key = (raw[ALIAS], shape(raw[SQL]), site_text(resolve(raw[SITE])))
        counts[key] = counts.get(key, 0) + 1
    return [
        {"alias": alias, "sql": sql, "site": site, "count": count}
        for (alias, sql, site), count in counts.items()
    ]


def _key(entry: Entry) -> tuple[str, str, str]:
    return str(entry["alias"]), str(entry["sql"]), str(entry["site"])


def _line(mark: str, count: str, key: tuple[str, str, str]) -> str:
    alias, sql, site = key
    return f"  {mark} {count} [{alias}] {display(sql)}  — {site}"


def differences(stored: list[Entry], recorded: list[Entry]) -> list[str]:
    """Added, removed and recounted shapes, each with its call site; empty when equal."""
    before = {_key(entry): int(entry["count"]) for entry in stored}
    after = {_key(entry): int(entry["count"]) for entry in recorded}
    lines = []
    for key, count in after.items():
        if key not in before:
            lines.append(_line("+", f"{count}x", key))
        elif before[key] != count:
            lines.append(_line("~", f"{before[key]}x -> {count}x", key))
    lines.extend(_line("-", f"{count}x", key) for key, count in before.items() if key not in after)
    return lines


class SnapshotBlock:
    """``with queries.snapshot(name):``, compared (or stored) when the block completes.

    A class rather than a generator context manager so a failure's traceback ends at the
    test's ``with`` line instead of inside contextlib.
    """

    def __init__(self, log: QueryLog, check: Check, name: str | None) -> None:
        if name is not None and (not isinstance(name, str) or not name):
            raise TypeError(f"name= expects a non-empty str or None, got {name!r}")
        self._log = log
        self._check = check
        self._name = name
        self.start = len(log)
        self.entries: list[Entry] = []
        """The recorded snapshot, once the block has completed."""

    def __enter__(self) -> SnapshotBlock:
        self.start = len(self._log)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        __tracebackhide__ = True
        if exc_type is not None:
            return  # the block's own error tells the story
        self.entries = record(self._log, self.start, len(self._log))
        failure = self._check(self._name, self.entries)
        if failure is not None:
            raise QuerySnapshotError(failure)


def describe(entries: list[Entry]) -> Iterator[str]:
    """The entries of a snapshot, one line each, as a missing snapshot's failure lists them."""
    for entry in entries:
        yield _line(" ", f"{entry['count']}x", _key(entry))
