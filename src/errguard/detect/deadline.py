"""A time limit on the analysis of one file (``max-file-seconds`` in ``[tool.errguard]``).

A file whose analysis runs away (generated code of a size or shape nothing was tuned for) must
cost its time limit and a clear message, not minutes of every run. Where a timer signal can be
used (the main thread on POSIX, with no other handler or timer of ``SIGALRM`` in place) it
interrupts the analysis wherever it is, also inside one long rule; elsewhere the engine reads
the clock between the nodes it walks (:func:`check_time`).
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType


class FileTimeout(BaseException):
    """The file's time is up. A ``BaseException``, like ``KeyboardInterrupt``: code that catches
    ``Exception`` to survive bad input (every rule, through the engine) must not swallow it."""


class _Limit:
    deadline: float | None = None  # time.monotonic() at which the current file's time is up


def check_time() -> None:
    """Raise ``FileTimeout`` when the current file's time is up."""
    deadline = _Limit.deadline
    if deadline is not None and time.monotonic() > deadline:
        raise FileTimeout


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``FileTimeout`` in the block once it has run ``seconds``.

    Catch it around the ``with``, not inside: it can also come from the block's exit. A limit
    inside another keeps the outer one.
    """
    if _Limit.deadline is not None:
        yield
        return
    alarm = _Alarm.start(seconds)
    _Limit.deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _Limit.deadline = None
        if alarm is not None:
            alarm.stop()


class _Alarm:
    """A one-shot ``SIGALRM`` timer whose handler raises ``FileTimeout``."""

    @classmethod
    def start(cls, seconds: float) -> _Alarm | None:
        """The timer, or None where it cannot be used: no ``setitimer`` (Windows), not the main
        thread, or ``SIGALRM`` already someone's (a handler installed, a timer running)."""
        if not hasattr(signal, "setitimer"):
            return None
        if threading.current_thread() is not threading.main_thread():
            return None
        if signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL:
            return None
        if signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0):
            return None
        alarm = cls()
        signal.signal(signal.SIGALRM, alarm._fired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        return alarm

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)

    def _fired(self, _signum: int, _frame: FrameType | None) -> None:
        if _Limit.deadline is None:
            return  # the block ended as the signal came: nothing to interrupt
        # The exception may interrupt ``time_limit``'s own clean-up: leave nothing behind.
        _Limit.deadline = None
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        raise FileTimeout
