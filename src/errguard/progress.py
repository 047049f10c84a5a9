"""A progress bar on stderr for long runs on a terminal.

Drawn only when the stream is a terminal and only once the run has lasted ``DELAY_SECONDS``:
a quick run, a run in CI or one whose stderr is piped or redirected prints nothing. The bar is
one line redrawn in place (``\\r``) and erased when the run ends, so what follows on stderr (the
summary) starts on a clean line.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from errguard.report.color import is_terminal

DELAY_SECONDS = 1.0
BAR_WIDTH = 30
_ERASE_LINE = "\r\x1b[K"

Progress = Callable[[int], None]
"""Called with how many of the run's files are done so far."""


class ProgressBar:
    def __init__(
        self,
        stream: TextIO,
        total: int,
        *,
        delay: float,
        label: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.total = total
        self.label = label
        self.clock = clock
        self.shows_after = clock() + delay
        self.drawn = False

    def __call__(self, done: int) -> None:
        if self.clock() < self.shows_after:
            return
        filled = BAR_WIDTH * done // self.total if self.total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        width = len(str(self.total))
        self.stream.write(f"\r{self.label} [{bar}] {done:>{width}}/{self.total} files")
        self.stream.flush()
        self.drawn = True

    def erase(self) -> None:
        if self.drawn:
            self.stream.write(_ERASE_LINE)
            self.stream.flush()


@contextmanager
def progress_bar(stream: TextIO, total: int, label: str = "checking") -> Iterator[Progress | None]:
    """A bar for ``total`` files on ``stream`` when it is a terminal, else ``None``."""
    if not is_terminal(stream):
        yield None
        return
    bar = ProgressBar(stream, total, delay=DELAY_SECONDS, label=label)
    bar(0)
    try:
        yield bar
    finally:
        bar.erase()
