"""Checks and helpers shared by every kind of fault."""

from __future__ import annotations

from contextlib import suppress
from typing import Final

ErrorSpec = BaseException | type[BaseException]


def checked_times(times: int | None) -> int | None:
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise ValueError(f"times must be a positive int or None (every time), got {times!r}")
    return times


def checked_delay(delay: float | None) -> float | None:
    if delay is not None and (
        isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0
    ):
        raise ValueError(f"delay must be a number of seconds >= 0, got {delay!r}")
    return None if delay is None else float(delay)


def is_error_spec(value: object) -> bool:
    return isinstance(value, BaseException) or (
        isinstance(value, type) and issubclass(value, BaseException)
    )


INJECTED: Final = "errguard_injected"
"""The attribute, set to True, that marks an exception raised by a fault (failure triage)."""


def make_exception(error: ErrorSpec, message: str) -> BaseException:
    """``error`` itself when it is an instance; else an instance of the class with ``message``.

    Either way marked as injected, for failure triage to tell a planted fault from a real one.
    """
    exception = error if isinstance(error, BaseException) else error(message)
    with suppress(AttributeError):  # an exception class with __slots__ and no __dict__
        setattr(exception, INJECTED, True)
    return exception


def shown(value: object) -> str:
    """``repr`` for fault descriptions, with classes by name (``TimeoutError``)."""
    return value.__qualname__ if isinstance(value, type) else repr(value)


class Gate:
    """Whether the faults holding it fire now.

    A ``Faults`` used directly is always open. The pytest plugin's is open only while the test
    body runs, so that fixtures' setup and teardown (pytest-django creating or flushing the test
    database, the per-test transaction) never meet a fault meant for the code under test.
    """

    __slots__ = ("is_open",)

    def __init__(self, *, is_open: bool = True) -> None:
        self.is_open = is_open


ALWAYS_OPEN: Final = Gate()
