"""What a file's check read beyond the file itself, recorded so its cached findings can be
trusted only while all of that is unchanged.

Whatever hands a rule a project-wide fact (the model index, another module's functions, the
callers of a function, a template, a sibling file) calls :func:`record`; the runner opens a
frame around each file's check and stores what landed in it beside the findings.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

# (kind, key): ("models", ""), ("module", "shop.models"), ("file", "/abs/apps.py"), ...
Read = tuple[str, str]

_frames: list[set[Read]] = []


def record(kind: str, key: str = "") -> None:
    """Note that the checks under way read ``kind``/``key`` (nothing when none is recorded)."""
    for frame in _frames:
        frame.add((kind, key))


def is_recording() -> bool:
    return bool(_frames)


@contextlib.contextmanager
def recording() -> Iterator[set[Read]]:
    """Everything recorded in the block, by this block's code and what it calls."""
    frame: set[Read] = set()
    _frames.append(frame)
    try:
        yield frame
    finally:
        _frames.pop()
