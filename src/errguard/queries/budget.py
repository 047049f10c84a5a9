"""Query budgets: the object behind the ``queries`` fixture and its ``max``/``exactly`` blocks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

from errguard.queries.constant import DEFAULT_SIZES, ConstantQueries, Findings
from errguard.queries.log import QueryEntry, QueryLog
from errguard.queries.report import count_failure, expectation
from errguard.queries.snapshot import Check, SnapshotBlock


class QueryCountError(AssertionError):
    """A ``queries.max()``/``queries.exactly()`` block or ``max_queries`` budget was not met."""


def check_count(expected: int, *, using: str | None) -> None:
    if isinstance(expected, bool) or not isinstance(expected, int) or expected < 0:
        raise TypeError(f"expected a number of queries >= 0, got {expected!r}")
    if using is not None and not isinstance(using, str):
        raise TypeError(f"using= expects a database alias (str) or None, got {using!r}")


def budget_failure(
    log: QueryLog,
    start: int,
    end: int,
    *,
    expected: int,
    exact: bool,
    using: str | None,
    scope: str = "",
) -> str | None:
    """The failure text when the queries in ``[start, end)`` miss the budget, else None."""
    count = log.count(start, end, using)
    if count == expected or (count < expected and not exact):
        return None
    kind = "exactly" if exact else "at most"
    return count_failure(expectation(kind, expected, using, scope), log.entries(start, end, using))


class QueryWindow:
    """A budgeted block, ``with queries.max(n) as window:``; its queries are live while it runs.

    A class rather than a generator context manager so a failure's traceback ends at the
    test's ``with`` line instead of inside contextlib.
    """

    def __init__(self, log: QueryLog, expected: int, *, exact: bool, using: str | None) -> None:
        check_count(expected, using=using)
        self._log = log
        self._expected = expected
        self._exact = exact
        self._using = using
        self.start = len(log)
        self.end: int | None = None

    @property
    def count(self) -> int:
        return self._log.count(self.start, self.end, self._using)

    @property
    def log(self) -> list[QueryEntry]:
        return self._log.entries(self.start, self.end, self._using)

    def __enter__(self) -> QueryWindow:
        self.start = len(self._log)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        __tracebackhide__ = True
        self.end = len(self._log)
        if exc_type is not None:
            return  # the block's own error tells the story; do not mask it
        failure = budget_failure(
            self._log,
            self.start,
            self.end,
            expected=self._expected,
            exact=self._exact,
            using=self._using,
        )
        if failure is not None:
            raise QueryCountError(failure)


class Queries:
    """Every query of the test, on every database alias and thread: the ``queries`` fixture.

    ``count`` and ``log`` cover the test body (before it starts, from the moment the fixture
    was set up); ``max(n)`` and ``exactly(n)`` budget a block and fail it with the queries
    listed by shape, count and call site; ``constant()`` runs a loop's body at several data
    sizes and ``snapshot()`` compares a block's queries with the stored ones.
    """

    def __init__(
        self,
        log: QueryLog,
        start: Callable[[], int],
        *,
        findings: Findings | None = None,
        snapshots: Check | None = None,
    ) -> None:
        self._log = log
        self._start = start
        self._findings = findings
        self._snapshots = snapshots

    @property
    def count(self) -> int:
        """The number of queries so far."""
        return self._log.count(self._start())

    @property
    def log(self) -> list[QueryEntry]:
        """The queries so far, in the order they ran."""
        return self._log.entries(self._start())

    def max(self, n: int, *, using: str | None = None) -> QueryWindow:
        """Fail the block if it runs more than ``n`` queries (on alias ``using``, default all)."""
        return QueryWindow(self._log, n, exact=False, using=using)

    def exactly(self, n: int, *, using: str | None = None) -> QueryWindow:
        """Fail the block unless it runs exactly ``n`` queries (on alias ``using``, default all)."""
        return QueryWindow(self._log, n, exact=True, using=using)

    def constant(
        self,
        populate: Callable[[int], Any],
        *,
        sizes: Sequence[int] = DEFAULT_SIZES,
        slope: float = 0,
        using: str | None = None,
        scale: int = 1,
    ) -> ConstantQueries:
        """``for size in queries.constant(populate):`` runs ``populate(size)`` and the body at
        each size (times ``scale``), each size rolled back, and fails if the body's query count
        grows by more than ``slope`` per row (on alias ``using``, default every alias)."""
        return ConstantQueries(
            self._log,
            self._findings,
            populate,
            sizes=sizes,
            slope=slope,
            using=using,
            scale=scale,
        )

    def snapshot(self, name: str | None = None) -> SnapshotBlock:
        """Fail the block if its query shapes differ from the snapshot stored for this test
        under ``name`` (default: numbered in order); a missing snapshot is written."""
        if self._snapshots is None:
            raise TypeError("query snapshots need the errguard pytest plugin's queries fixture")
        return SnapshotBlock(self._log, self._snapshots, name)
