"""Constant queries as data grows: run a block at several data sizes, fail when its count grows.

``for size in queries.constant(populate, sizes=(2, 5, 10)):`` runs ``populate(n)`` and then
the loop's body once per size, each size inside its own ``transaction.atomic()`` that is
rolled back (a savepoint inside a test's transaction), so every size starts from the test's
own data. Only the body's queries are counted; the populate calls' are not. Django
(``django_api``) is imported only when the loop starts, inside a test with Django configured.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from errguard.queries.callsite import CallSite
from errguard.queries.findings import NPlusOne
from errguard.queries.log import ALIAS, SITE, SQL, QueryLog
from errguard.queries.normalize import display, shape

DEFAULT_SIZES = (2, 5, 10)

Findings = Callable[[int, int], list[NPlusOne]]
"""The runtime N+1 findings of the test so far, and the repeated reads between two log
indices: the advice a growing shape gets."""


class ConstantQueriesError(AssertionError):
    """A ``queries.constant()`` loop or ``constant_queries`` test ran more queries as data grew."""


@dataclass
class _Shape:
    """One query shape (per alias) and its count at each size."""

    alias: str
    sql: str
    counts: list[int]
    sites: list[CallSite | None] = field(default_factory=list)


def check_options(sizes: object, slope: object, using: object, scale: object) -> tuple[int, ...]:
    """The sizes to populate (``sizes`` times ``scale``); TypeError for any unusable option."""
    if not isinstance(sizes, Iterable) or isinstance(sizes, (str, bytes)):
        raise TypeError(f"sizes= expects whole numbers, got {sizes!r}")
    listed = list(sizes)
    if len(listed) < 2 or not all(_whole(size, minimum=0) for size in listed):
        raise TypeError(f"sizes= expects at least two whole numbers >= 0, got {sizes!r}")
    if any(later <= earlier for earlier, later in itertools.pairwise(listed)):
        raise TypeError(f"sizes= must increase, got {sizes!r}")
    if not _whole(scale, minimum=1):
        raise TypeError(f"scale= expects a whole number >= 1, got {scale!r}")
    if isinstance(slope, bool) or not isinstance(slope, (int, float)) or not slope >= 0:
        raise TypeError(f"slope= expects a number >= 0 (extra queries per row), got {slope!r}")
    if using is not None and not isinstance(using, str):
        raise TypeError(f"using= expects a database alias (str) or None, got {using!r}")
    assert isinstance(scale, int)
    return tuple(size * scale for size in listed)


def _whole(value: object, *, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


class ConstantQueries:
    """Iterate to run the loop's body once per size; the iteration fails if the count grows.

    ``slope`` is the number of extra queries allowed per unit of size (0: constant); ``using``
    counts (and isolates) one alias only; ``scale`` multiplies every size.
    """

    def __init__(
        self,
        log: QueryLog,
        findings: Findings | None,
        populate: Callable[[int], Any],
        *,
        sizes: Sequence[int] = DEFAULT_SIZES,
        slope: float = 0,
        using: str | None = None,
        scale: int = 1,
    ) -> None:
        if not callable(populate):
            raise TypeError(f"populate must be a callable taking the size, got {populate!r}")
        self.sizes = check_options(sizes, slope, using, scale)
        self.counts: list[int] = []
        """The body's query count at each size, as the loop runs."""
        self._log = log
        self._findings = findings
        self._populate = populate
        self._slope = slope
        self._using = using

    def __iter__(self) -> Iterator[int]:
        __tracebackhide__ = True
        windows = []
        self.counts = []
        for size in self.sizes:
            # A body that raises (or breaks) closes this generator at the yield: the
            # rollback still runs and the check below does not.
            with _rolled_back(self._aliases()):
                self._populate(size)
                start = len(self._log)
                yield size
                end = len(self._log)
            windows.append((start, end))
            self.counts.append(self._log.count(start, end, self._using))
        failure = self.failure(windows)
        if failure is not None:
            raise ConstantQueriesError(failure)

    def _aliases(self) -> list[str]:
        """The aliases to isolate: ``using``, else each one already in a transaction (as
        pytest-django's ``db`` puts every database the test may use), else ``default``."""
        from errguard.queries.django_api import DEFAULT_DB_ALIAS, connections

        if self._using is not None:
            return [self._using]
        in_transaction = [alias for alias in connections if connections[alias].in_atomic_block]
        return in_transaction or [DEFAULT_DB_ALIAS]

    def _grows(self, counts: Sequence[int]) -> bool:
        """Whether any later size ran more queries than ``slope`` allows over an earlier one.

        Pairs rather than first and last: a cold cache can make the first size the largest.
        """
        return any(
            counts[j] - counts[i] > self._slope * (self.sizes[j] - self.sizes[i])
            for i, j in itertools.combinations(range(len(counts)), 2)
        )

    def failure(self, windows: list[tuple[int, int]]) -> str | None:
        """The failure text when the counts grow beyond the slope, else None."""
        if not self._grows(self.counts):
            return None
        sizes = ", ".join(map(str, self.sizes))
        counts = ", ".join(map(str, self.counts))
        allowed = "constant" if not self._slope else f"at most {self._slope:g} more per row"
        alias = f' on "{self._using}"' if self._using is not None else ""
        lines = [
            f"Query count grows with the data{alias}: {counts} queries at sizes {sizes} "
            f"(allowed: {allowed})"
        ]
        growing = self._growing_shapes(windows)
        if growing:
            lines.append("Query shapes whose count grows (count at each size):")
            start, end = windows[-1]
            findings = self._findings(start, end) if self._findings is not None else []
            several_aliases = len({item.alias for item in growing}) > 1
            lines.extend(
                line for item in growing for line in _describe(item, findings, several_aliases)
            )
        return "\n".join(lines)

    def _growing_shapes(self, windows: list[tuple[int, int]]) -> list[_Shape]:
        log = self._log
        resolve = log.finder.resolve
        shapes: dict[tuple[str, str], _Shape] = {}
        for position, (start, end) in enumerate(windows):
            for index in log.select(start, end, self._using):
                record = log.records[index]
                key = (record[ALIAS], shape(record[SQL]))
                item = shapes.get(key)
                if item is None:
                    item = shapes[key] = _Shape(key[0], key[1], [0] * len(windows))
                item.counts[position] += 1
                site = resolve(record[SITE])
                if site not in item.sites:
                    item.sites.append(site)
        growing = [item for item in shapes.values() if item.counts[-1] > item.counts[0]]
        return sorted(growing, key=lambda item: item.counts[0] - item.counts[-1])


def _describe(item: _Shape, findings: list[NPlusOne], several_aliases: bool) -> Iterator[str]:
    counts = ", ".join(f"{count}x" for count in item.counts)
    alias = f"[{item.alias}] " if several_aliases else ""
    where = ", ".join(
        str(site) if site is not None else "(no project frame)" for site in item.sites
    )
    yield f"  {counts}  {alias}{display(item.sql)}  — {where}"
    for finding in findings:
        if finding.site is not None and finding.site in item.sites:
            yield f"    N+1: {finding.summary}"
            yield f"    fix: {finding.fix}"


@contextmanager
def _rolled_back(aliases: list[str]) -> Iterator[None]:
    """An atomic block on each alias, rolled back at the end whatever happens inside."""
    from errguard.queries.django_api import transaction

    with ExitStack() as stack:
        for alias in aliases:
            stack.enter_context(transaction.atomic(using=alias))
        try:
            yield
        finally:
            # Marked only now: a block marked for rollback refuses every query inside it.
            for alias in aliases:
                transaction.set_rollback(True, using=alias)
