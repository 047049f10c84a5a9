"""``faults.db(...)``: make matching SQL queries on Django database aliases raise.

The fault is an execute wrapper (Django's ``connection.execute_wrapper`` mechanism) on the
alias's connection object of the current thread, and, through the ``connection_created``
signal, on the connections other threads open while it is active. Django is imported only here,
only when a test asks for a database fault.

Transaction and constraint-check control (``BEGIN``, savepoints, ``SET CONSTRAINTS``:
``is_bookkeeping``) never fails: whether Django sends it through a cursor depends on the
backend, so failing it would make one fault hit different statements on SQLite and
PostgreSQL, and a fault is about the statements the code under test runs.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from errguard.faults.options import (
    ALWAYS_OPEN,
    ErrorSpec,
    Gate,
    checked_times,
    is_error_spec,
    make_exception,
    shown,
)
from errguard.queries.normalize import is_bookkeeping


@dataclass(frozen=True)
class FaultedQuery:
    alias: str
    sql: str
    params: Any


class DbFault:
    """The handle ``faults.db(...)`` returns: ``hits`` and the ``queries`` it failed."""

    gate: Gate = ALWAYS_OPEN

    def __init__(
        self,
        *,
        error: ErrorSpec | None = None,
        times: int | None = None,
        match: str | re.Pattern[str] | None = None,
        using: str | None = None,
    ) -> None:
        if error is None:
            error = _django("django.db.utils").OperationalError
        if not is_error_spec(error):
            raise TypeError(f"error must be an exception class or instance, got {error!r}")
        if using is not None and not isinstance(using, str):
            raise TypeError(f"using must be a database alias or None, got {using!r}")
        self.error: ErrorSpec = error
        self.times = checked_times(times)
        self.match = re.compile(match) if isinstance(match, str) else match
        self.using = using
        self._lock = threading.Lock()
        self._queries: list[FaultedQuery] = []

    @property
    def hits(self) -> int:
        with self._lock:
            return len(self._queries)

    @property
    def queries(self) -> list[FaultedQuery]:
        with self._lock:
            return list(self._queries)

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        __tracebackhide__ = True  # an injected error's traceback shows the test's frames
        alias = context["connection"].alias
        if (
            self.gate.is_open
            and (self.match is None or self.match.search(sql))
            and not is_bookkeeping(sql, params)
            and self._claim(FaultedQuery(alias, sql, params))
        ):
            raise make_exception(self.error, f"errguard: injected database fault on {alias!r}")
        return execute(sql, params, many, context)

    def _claim(self, query: FaultedQuery) -> bool:
        with self._lock:
            if self.times is not None and len(self._queries) >= self.times:
                return False
            self._queries.append(query)
            return True

    def __repr__(self) -> str:
        options = [f"error={shown(self.error)}"]
        for name in ("times", "match", "using"):
            value = getattr(self, name)
            if value is not None:
                options.append(f"{name}={(value.pattern if name == 'match' else value)!r}")
        return f"faults.db({', '.join(options)})"


def _django(module: str) -> Any:
    # Django's modules are untyped: imported by name, mypy sees ``Any``.
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ModuleNotFoundError(f"faults.db() needs Django: {error}") from error


@contextmanager
def db_fault_active(fault: DbFault) -> Iterator[None]:
    connections = _django("django.db").connections
    created = _django("django.db.backends.signals").connection_created
    lock = threading.Lock()
    attached: list[Any] = []  # the DatabaseWrapper objects holding the fault

    def attach(connection: Any) -> None:
        if fault.using not in (None, connection.alias):
            return
        with lock:
            if any(known is connection for known in attached):
                return
            connection.execute_wrappers.append(fault)
            attached.append(connection)

    def on_connection_created(**kwargs: Any) -> None:
        attach(kwargs["connection"])

    uid = f"errguard.faults.db:{id(fault)}"
    try:
        created.connect(on_connection_created, weak=False, dispatch_uid=uid)
        for alias in [fault.using] if fault.using else list(connections):
            attach(connections[alias])
        yield
    finally:
        created.disconnect(dispatch_uid=uid)
        with lock:
            for connection in attached:
                wrappers = connection.execute_wrappers
                wrappers[:] = [wrapper for wrapper in wrappers if wrapper is not fault]
