"""Work spread over processes: the CLI's file checks, and parsing on a cold cache.

Forked workers inherit what the parent has built (the rules, a project's indexes) instead of
rebuilding it; where fork is not the default, the platform's own start method is used.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items, starting workers costs more than it saves.
PARALLEL_THRESHOLD = 64


def process_pool(jobs: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    return ProcessPoolExecutor(jobs, mp_context=context)


def map_in_processes(function: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """``function`` over ``items`` in order; in ``jobs`` processes when there are enough items.

    Only the CLI asks for more than one job: the flake8 plugin runs inside flake8's daemonic
    workers, which may not start processes of their own.
    """
    if jobs <= 1 or len(items) < PARALLEL_THRESHOLD:
        return [function(item) for item in items]
    with process_pool(jobs) as pool:
        return list(pool.map(function, items, chunksize=max(1, len(items) // (jobs * 4))))
