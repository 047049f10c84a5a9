"""``Faults``: the ``faults`` fixture's object, and a context manager for use outside fixtures."""

from __future__ import annotations

import re
import threading
from contextlib import AbstractContextManager, ExitStack
from types import TracebackType
from typing import TypeVar

from errguard.faults.calls import UNSET, CallFault, call_fault_active
from errguard.faults.db import DbFault, db_fault_active
from errguard.faults.http import HttpError, HttpFault
from errguard.faults.intercept import http_fault_active, take_errors
from errguard.faults.options import ErrorSpec, Gate

FaultHandle = HttpFault | CallFault | DbFault
_Handle = TypeVar("_Handle", HttpFault, CallFault, DbFault)


class FaultProblem(AssertionError):
    """A fault found something wrong that the test itself could not see (raised on close)."""


class Faults:
    """Inject faults beneath HTTP clients, into callables and into database queries.

    Every fault is undone, last declared first, when the object closes: at the end of the test
    for the fixture, at the end of the ``with`` block for the context manager, whatever way the
    test or block ends. Usable from several threads. ``gate`` decides when they fire (default:
    whenever they are active).
    """

    def __init__(self, *, gate: Gate | None = None) -> None:
        self._gate = Gate() if gate is None else gate
        self._lock = threading.RLock()
        self._stack = ExitStack()
        self._handles: list[FaultHandle] = []
        self._closed = False

    def __enter__(self) -> Faults:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(report=exc is None)

    @property
    def handles(self) -> tuple[FaultHandle, ...]:
        """Every fault declared so far (markers' included), in declaration order."""
        with self._lock:
            return tuple(self._handles)

    def http(
        self,
        url: str | re.Pattern[str],
        *,
        error: HttpError | None = None,
        status: int | None = None,
        delay: float | None = None,
        body: bytes | str | None = None,
        times: int | None = None,
    ) -> HttpFault:
        """Fault requests whose URL starts with ``url`` (or that a compiled regex matches)."""
        fault = HttpFault(url, error=error, status=status, delay=delay, body=body, times=times)
        return self._activate(fault, http_fault_active(fault))

    def call(
        self,
        target: str,
        *,
        raises: ErrorSpec | None = None,
        returns: object = UNSET,
        delay: float | None = None,
        times: int | None = None,
    ) -> CallFault:
        """Patch the callable at the dotted path ``target`` (``"pkg.mod.Class.method"`` too)."""
        fault = CallFault(target, raises=raises, returns=returns, delay=delay, times=times)
        return self._activate(fault, call_fault_active(fault))

    def db(
        self,
        *,
        error: ErrorSpec | None = None,
        times: int | None = None,
        match: str | re.Pattern[str] | None = None,
        using: str | None = None,
    ) -> DbFault:
        """Make queries (those whose SQL ``match`` searches) on ``using`` (default: all) raise."""
        fault = DbFault(error=error, times=times, match=match, using=using)
        return self._activate(fault, db_fault_active(fault))

    def close(self, *, report: bool = True) -> None:
        """Undo every fault, last first. Then, with ``report``, raise :class:`FaultProblem` for
        what the faults noticed (a client that never timed out, a failure in errguard's peer)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            handles = list(self._handles)
        try:
            self._stack.close()
        finally:
            problems = [p for h in handles if isinstance(h, HttpFault) for p in h.problems]
            problems += take_errors()
        if report and problems:
            raise FaultProblem("\n".join(problems))

    def _activate(self, fault: _Handle, activation: AbstractContextManager[None]) -> _Handle:
        with self._lock:
            if self._closed:
                raise RuntimeError("these faults are closed; the test that owned them has ended")
            fault.gate = self._gate
            self._stack.enter_context(activation)
            self._handles.append(fault)
        return fault

    def __repr__(self) -> str:
        state = "closed" if self._closed else "active"
        return f"<Faults {state}: {', '.join(map(repr, self.handles)) or 'none'}>"
