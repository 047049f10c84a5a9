"""The network guard: a real connection to a non-loopback host fails the test.

While a guard is active, such a connection is routed to errguard's peer, which reads the
request (for plain HTTP, the full URL), records it with the line of project code that made the
connection, and resets it. The guard's owner (the pytest plugin) then fails the test with
:meth:`NetworkGuard.report`, even when the code under test swallowed the connection error.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack
from dataclasses import dataclass
from types import TracebackType

from errguard.faults.intercept import guard_active


@dataclass(frozen=True)
class BlockedConnection:
    target: str  # "GET http://host/path" for plain HTTP, else "https://host" or "tcp://host:port"
    call_site: str | None


class NetworkGuard:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._blocked: list[BlockedConnection] = []
        self._stack = ExitStack()

    def __enter__(self) -> NetworkGuard:
        self._stack.enter_context(guard_active(self))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stack.close()

    def record(self, target: str, call_site: str | None) -> None:
        with self._lock:
            self._blocked.append(BlockedConnection(target, call_site))

    @property
    def blocked(self) -> list[BlockedConnection]:
        with self._lock:
            return list(self._blocked)

    def report(self) -> str | None:
        """The failure message for the connections blocked so far, or None."""
        blocked = self.blocked
        if not blocked:
            return None
        lines = [
            f"errguard blocked {len(blocked)} network connection(s) to non-loopback hosts "
            "(--block-network):"
        ]
        for connection in blocked:
            lines.append(f"  {connection.target}")
            where = connection.call_site or "(no project code on the stack)"
            lines.extend(f"      {line}" for line in f"made at {where}".splitlines())
        return "\n".join(lines)
