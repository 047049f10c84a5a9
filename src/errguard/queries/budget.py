"""Query budgets: the object behind the ``queries`` fixture and its ``max``/``exactly`` blocks."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from errguard.queries.log import QueryEntry, QueryLog
from errguard.queries.report import count_failure, expectation


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
    listed by shape, count and call site.
    """

    def __init__(self, log: QueryLog, start: Callable[[], int]) -> None:
        self._log = log
        self._start = start

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
