"""One test's query recording: the patches, the log, the budgets and the N+1 findings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from errguard.queries.budget import Queries, budget_failure
from errguard.queries.callsite import NO_CALL, CallSiteFinder, FrameKey
from errguard.queries.findings import NPlusOne, repeated_query
from errguard.queries.log import CALL, PARAM_VALUES, SITE, SQL, QueryLog
from errguard.queries.normalize import display, is_read, shape
from errguard.queries.nplusone import Detector
from errguard.queries.patching import PatchStack
from errguard.queries.recorder import install_recorder
from errguard.queries.snapshot import Check


class TestQueries:
    """The queries of the running test, split into setup, body and teardown by the plugin."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, log: QueryLog, detector: Detector | None, threshold: int) -> None:
        self.log = log
        self.detector = detector
        self.threshold = threshold
        self.body_start: int | None = None
        self.body_end: int | None = None
        self.found: list[NPlusOne] = []
        """The N+1 patterns of the test body, known once it has ended."""
        self.scope = "the test body"
        """What the body covers, as budget failures name it."""
        self.snapshots: Check | None = None
        """Where ``queries.snapshot()`` blocks are compared and stored (set by the plugin)."""

    def begin_body(self) -> None:
        """Start the body; a second start (setUp counted, then the method) changes nothing."""
        if self.body_start is not None:
            return
        self.body_start = len(self.log)
        if self.detector is not None:
            self.detector.counting = True
            self.log.numbering_calls = True

    def end_body(self) -> None:
        """End the body once: the first end after the start counts, later ones change nothing."""
        if self.body_start is None or self.body_end is not None:
            return
        self.body_end = len(self.log)
        self.log.numbering_calls = False
        self.log.finder.end_calls()
        if self.detector is not None:
            self.detector.counting = False
            self.found = self.nplusone()

    @property
    def body_count(self) -> int:
        if self.body_start is None:
            return 0
        return self.log.count(self.body_start, self.body_end)

    def fixture(self) -> Queries:
        created = len(self.log)
        return Queries(
            self.log,
            lambda: created if self.body_start is None else self.body_start,
            findings=self.findings_between,
            snapshots=self.snapshots,
        )

    def budget_failure(self, expected: int, using: str | None) -> str | None:
        if self.body_start is None or self.body_end is None:
            return None
        return budget_failure(
            self.log,
            self.body_start,
            self.body_end,
            expected=expected,
            exact=False,
            using=using,
            scope=f" in {self.scope}",
        )

    def nplusone(self) -> list[NPlusOne]:
        """N+1 patterns of the test body: lazy loads, then repeated reads not explained by them."""
        if self.body_start is None or self.body_end is None:
            return []
        return self.findings_between(self.body_start, self.body_end)

    def findings_between(self, start: int, end: int) -> list[NPlusOne]:
        """The lazy loads found so far in the body, and the repeated reads in ``[start, end)``."""
        if self.detector is None or self.body_start is None:
            return []
        return self.detector.findings() + self._repeated_reads(start, end)

    def _repeated_reads(self, start: int, end: int) -> list[NPlusOne]:
        """Reads of one shape repeated from one line in one call into project code.

        Per call: the same lookup in each of six requests a test makes is six calls, not a
        loop. Never counted: queries test code runs itself, and queries of save and delete
        signal receivers (``writes``). Reported (``_per_row``): more than ``threshold``
        different parameter sets, one lookup per row.
        """
        log = self.log
        records, skipped = log.records, log.explained | log.during_writes
        by_text: dict[tuple[str, FrameKey | None, int], list[int]] = {}
        for index in range(start, end):
            record = records[index]
            if record[CALL] != NO_CALL and index not in skipped:
                by_text.setdefault((record[SQL], record[SITE], record[CALL]), []).append(index)
        by_shape: dict[tuple[str, FrameKey | None, int], list[int]] = {}
        for (sql, site, call), indices in by_text.items():
            if is_read(sql):
                by_shape.setdefault((shape(sql), site, call), []).extend(indices)
        most: dict[tuple[str, FrameKey | None], int] = {}
        for (sql_shape, site, _), indices in by_shape.items():
            if len(indices) > self.threshold and self._per_row(sorted(indices)):
                most[(sql_shape, site)] = max(len(indices), most.get((sql_shape, site), 0))
        resolve = log.finder.resolve
        return [
            repeated_query(display(sql_shape), resolve(site), count)
            for (sql_shape, site), count in sorted(most.items(), key=lambda item: -item[1])
        ]

    def _per_row(self, indices: list[int]) -> bool:
        """Whether reads of one shape look up one row each, more than ``threshold`` of them.

        The same parameters read again and again are duplicate queries (a permission or the
        current site checked by each of several helpers), not one query per row: caching
        fixes those, not loading rows up front. Different parameters once per row *written*
        (the duplicate check before each insert, the lookup before each save) are the cost
        of writing rows one at a time, whose fix is batching the writes.
        """
        records = self.log.records
        parameter_sets = {repr(records[index][PARAM_VALUES]) for index in indices}
        return len(parameter_sets) > self.threshold and not self.log.writes_each_time(indices)


class _Hooks:
    """The recorder and the detector, installed into Django once per session.

    Patching Django's classes around every test made CPython drop its specialised attribute
    lookups on every model, queryset and descriptor each time (each assignment to a class
    attribute invalidates them): a few percent of a real suite's CPU. Installed once, the
    hooks stay idle between tests and are undone, last in first out, at the session's end.
    """

    def __init__(self, finder: CallSiteFinder) -> None:
        self.patches = PatchStack()
        self.log = QueryLog(finder)
        self.detector: Detector | None = None
        install_recorder(self.log, self.patches)

    def detector_for(self, detect: bool) -> Detector | None:
        if detect and self.detector is None:
            self.detector = Detector(self.log, self.patches)
            self.detector.install()
        return self.detector if detect else None


_HOOKS: list[_Hooks] = []


@contextmanager
def recording(finder: CallSiteFinder, *, detect: bool, threshold: int) -> Iterator[TestQueries]:
    """Record every query (and with ``detect``, watch for N+1) until the block ends."""
    if not _HOOKS or _HOOKS[0].log.finder is not finder:
        uninstall()
        _HOOKS.append(_Hooks(finder))
    hooks = _HOOKS[0]
    log = hooks.log
    log.reset()
    detector = hooks.detector_for(detect)
    if detector is not None:
        detector.reset()
        detector.active = True
    log.active = True
    try:
        yield TestQueries(log, detector, threshold)
    finally:
        log.active = False
        log.numbering_calls = False
        if hooks.detector is not None:
            hooks.detector.active = False


def uninstall() -> None:
    """Undo every patch of the session's hooks (at the session's end)."""
    while _HOOKS:
        _HOOKS.pop().patches.undo()
