"""Queries run while rows are being written: signal receivers, and a delete's collection.

``Model.save_base`` sends ``pre_save``/``post_save``; ``Collector.collect`` gathers what a
delete cascades to (loading multi-table children and related rows one object at a time, inside
Django) and ``Collector.delete`` sends ``pre_delete``/``post_delete``. What runs there (cache
maintenance, a search index updated in real time, a task queued per saved row, the cascade's
lookups) runs once per write: its cost is the cost of writing rows one at a time, and it is not
an N+1 of the code that writes. The detector notes these queries so that neither of its rules
counts them.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from errguard.queries.django_api import Model, deletion
from errguard.queries.log import THREAD, QueryLog
from errguard.queries.patching import PatchStack


def watch_writes(log: QueryLog, patches: PatchStack) -> None:
    """Note the queries run inside ``save_base`` and the delete ``Collector`` (by index)."""
    writes = ((Model, "save_base"), (deletion.Collector, "collect"), (deletion.Collector, "delete"))
    for owner, name in writes:
        patches.setattr(owner, name, _noting(getattr(owner, name), log))


def _noting(original: Any, log: QueryLog) -> Any:
    records = log.records
    during = log.during_writes
    thread = threading.get_ident

    @functools.wraps(original)
    def write(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        if not log.active:
            return original(*args, **kwargs)
        start = len(records)
        try:
            return original(*args, **kwargs)
        finally:
            me = thread()
            during.update(i for i in range(start, len(records)) if records[i][THREAD] == me)

    return write
