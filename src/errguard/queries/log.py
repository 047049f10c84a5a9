"""The queries of one test, as recorded: cheap tuples in, ``QueryEntry`` objects out."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import Final

from errguard.queries.callsite import CallSite, CallSiteFinder, FrameKey
from errguard.queries.normalize import is_write

# What the recorder appends per query. A plain tuple keeps recording cheap (no object
# construction on the hot path); entries() turns them into QueryEntry objects on demand.
RawQuery = tuple[str, int | None, float, str, FrameKey | None, int, bool, int, object]
SQL: Final = 0
PARAMS: Final = 1
DURATION: Final = 2
ALIAS: Final = 3
SITE: Final = 4
THREAD: Final = 5
MANY: Final = 6
CALL: Final = 7
"""The serial of the call from test code into project code that ran it (``callsite``);
``NO_CALL`` for test code's own queries, and while calls are not numbered."""
PARAM_VALUES: Final = 8
"""The parameters of an ``execute`` (None for ``executemany``), compared only when needed."""


@dataclass(frozen=True)
class QueryEntry:
    """One executed statement, as listed by ``queries.log``."""

    sql: str
    """The SQL as Django sent it, with its placeholders (``%s``)."""
    alias: str
    """The database alias (``"default"``, ...)."""
    call_site: CallSite | None
    """The innermost frame in project code, or None when the stack holds none."""
    duration: float
    """Seconds spent in the database driver."""
    params_count: int | None
    """The number of parameters (of parameter sets for ``executemany``), None if unsized."""
    many: bool
    """True for ``executemany``."""
    thread_id: int
    """``threading.get_ident()`` of the thread that ran it."""


class QueryLog:
    """Every statement run on every alias and thread while one test runs, in order."""

    def __init__(self, finder: CallSiteFinder) -> None:
        self.finder = finder
        self.records: list[RawQuery] = []
        self.explained: set[int] = set()
        """Indices of queries already reported as lazy loads (rule b skips them)."""
        self.during_writes: set[int] = set()
        """Indices of queries run inside a save or delete (``writes``): never an N+1."""
        self.active = False
        """Whether a test is running: the hooks stay installed between tests, idle."""
        self.numbering_calls = False
        """Whether queries are numbered by the call from test code that ran them: only the
        test body's, and only for N+1 detection (the walk out to the test's frame costs)."""

    def reset(self) -> None:
        """Start a new test: emptied in place (the hooks hold these containers)."""
        self.records.clear()
        self.explained.clear()
        self.during_writes.clear()

    def __len__(self) -> int:
        return len(self.records)

    def select(self, start: int = 0, end: int | None = None, using: str | None = None) -> list[int]:
        stop = len(self.records) if end is None else end
        if using is None:
            return list(range(start, stop))
        return [i for i in range(start, stop) if self.records[i][ALIAS] == using]

    def count(self, start: int = 0, end: int | None = None, using: str | None = None) -> int:
        if using is None:
            return (len(self.records) if end is None else end) - start
        return len(self.select(start, end, using))

    def entries(
        self, start: int = 0, end: int | None = None, using: str | None = None
    ) -> list[QueryEntry]:
        return [self.entry(i) for i in self.select(start, end, using)]

    def entry(self, index: int) -> QueryEntry:
        sql, params, duration, alias, site, thread, many, _, _ = self.records[index]
        return QueryEntry(sql, alias, self.finder.resolve(site), duration, params, many, thread)

    def first_since(self, mark: int) -> int | None:
        """The index of this thread's first query since ``mark``, or None if it ran none."""
        me = threading.get_ident()
        records = self.records
        for index in range(mark, len(records)):
            if records[index][THREAD] == me:
                return index
        return None

    def writes_each_time(self, indices: list[int]) -> bool:
        """Whether a write ran between most consecutive ``indices`` (queries of one thread)."""
        if len(indices) < 2:
            return False
        records = self.records
        thread = records[indices[0]][THREAD]
        with_write = sum(
            any(
                records[i][THREAD] == thread and is_write(records[i][SQL])
                for i in range(before + 1, after)
            )
            for before, after in itertools.pairwise(indices)
        )
        return with_write * 2 >= len(indices) - 1

    def explain_since(self, mark: int) -> None:
        """Mark this thread's queries since ``mark`` as explained (by a lazy load)."""
        me = threading.get_ident()
        records = self.records
        self.explained.update(i for i in range(mark, len(records)) if records[i][THREAD] == me)
