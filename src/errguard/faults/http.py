"""``faults.http(...)``: what a fault injects into matching HTTP requests, and its record."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Final

from errguard.faults.matching import UrlPattern, parse_pattern
from errguard.faults.options import (
    ALWAYS_OPEN,
    Gate,
    checked_delay,
    checked_times,
    is_error_spec,
    make_exception,
    shown,
)

NAMED_ERRORS: Final = ("connect", "timeout", "reset")
HttpError = str | BaseException | type[BaseException]


@dataclass(frozen=True)
class FaultedRequest:
    """A request a fault applied to.

    For faults decided when the connection opens (``error="connect"`` or an exception) no
    request has been sent yet: ``method`` is None and ``url`` is the origin.
    """

    method: str | None
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


class HttpFault:
    """The handle ``faults.http(...)`` returns: counts and records the requests it faulted."""

    gate: Gate = ALWAYS_OPEN

    def __init__(
        self,
        url: str | re.Pattern[str],
        *,
        error: HttpError | None = None,
        status: int | None = None,
        delay: float | None = None,
        body: bytes | str | None = None,
        times: int | None = None,
    ) -> None:
        self.pattern: UrlPattern = parse_pattern(url)
        self.error = _checked_error(error)
        self.status = _checked_status(status)
        self.delay = checked_delay(delay)
        self.body = body.encode() if isinstance(body, str) else body
        if self.body is not None and not isinstance(self.body, bytes):
            raise TypeError(f"body must be bytes or str, got {type(body).__name__}")
        self.times = checked_times(times)
        self._check_combination()
        self._lock = threading.Lock()
        self._requests: list[FaultedRequest] = []
        self._problems: list[str] = []

    @property
    def at_connect(self) -> bool:
        """Whether the fault is decided when the connection opens, before any request."""
        return self.error is not None and self.error not in ("timeout", "reset")

    @property
    def hits(self) -> int:
        """How many requests (or connections, for connection-time faults) it faulted."""
        with self._lock:
            return len(self._requests)

    @property
    def requests(self) -> list[FaultedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def problems(self) -> list[str]:
        with self._lock:
            return list(self._problems)

    def live(self) -> bool:
        with self._lock:
            return self._live()

    def claim(self, request: FaultedRequest) -> bool:
        """Count ``request`` as faulted unless ``times`` is used up or the gate is shut."""
        with self._lock:
            if not self._live():
                return False
            self._requests.append(request)
            return True

    def _live(self) -> bool:
        return self.gate.is_open and (self.times is None or len(self._requests) < self.times)

    def add_problem(self, problem: str) -> None:
        with self._lock:
            self._problems.append(f"{self!r}: {problem}")

    def exception(self) -> BaseException:
        """The exception a connection-time fault raises (``error="connect"`` is not one)."""
        if isinstance(self.error, str) or self.error is None:
            raise TypeError(f"{self!r} does not raise an exception")
        return make_exception(self.error, f"errguard: injected fault for {self.pattern}")

    def __repr__(self) -> str:
        options = [repr(self.pattern.source)]
        for name in ("error", "status", "delay", "body", "times"):
            value = getattr(self, name)
            if value is not None:
                options.append(f"{name}={shown(value)}")
        return f"faults.http({', '.join(options)})"

    def _check_combination(self) -> None:
        responds = self.status is not None or self.body is not None
        if self.error is None and not responds and self.delay is None:
            raise ValueError("faults.http() needs at least one of error, status, delay or body")
        if self.at_connect:
            if responds or self.delay is not None:
                raise ValueError(
                    "a connection-time error (error='connect' or an exception) happens before "
                    "any response, so it takes no status, delay or body"
                )
            if self.pattern.regex is None and not self.pattern.is_origin:
                raise ValueError(
                    f"{self.pattern}: a connection-time error happens before the request is "
                    "sent, when only scheme, host and port are known; give the URL without "
                    "a path or query"
                )
            return
        if self.error == "timeout" and (responds or self.delay is not None):
            raise ValueError("error='timeout' never answers, so it takes no status, delay or body")
        if self.pattern.scheme == "https":
            raise ValueError(
                f"{self.pattern}: errguard injects responses beneath TLS without decrypting it, "
                "so https:// URLs support only error='connect' or an exception"
            )


def _checked_error(error: HttpError | None) -> HttpError | None:
    if error is None or is_error_spec(error):
        return error
    if isinstance(error, str) and error in NAMED_ERRORS:
        return error
    raise ValueError(
        f"error must be one of {', '.join(map(repr, NAMED_ERRORS))} or an exception, got {error!r}"
    )


def _checked_status(status: int | None) -> int | None:
    if status is not None and (
        isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599
    ):
        raise ValueError(f"status must be an HTTP status code from 200 to 599, got {status!r}")
    return status
