"""Recording every statement on every database alias and thread, independent of ``DEBUG``.

Django's ``connection.execute_wrapper()`` is per connection object, and connections are per
thread, so a wrapper installed by the test thread misses queries from other threads and from
``sync_to_async`` pools. Patching ``CursorWrapper._execute_with_wrappers`` on the class (the
method every ``execute``/``executemany`` goes through, with or without the debug cursor) sees
them all with one extra Python call per query, and never reads ``connection.queries_log``.

What counts as a query is then the same on every backend: each ``execute`` is one, each
``executemany`` is one (with its number of parameter sets), a statement that fails is one, and
a server-side cursor's query (``QuerySet.iterator()`` on PostgreSQL) is one however many
chunks its driver fetches. Transaction and constraint-check control (``BEGIN``, savepoints,
``SET CONSTRAINTS``) is not recorded: see ``is_bookkeeping``.

The wrappers set ``__tracebackhide__``: pytest's tracebacks of the user's errors show
the user's frames and Django's, not errguard's.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from errguard.queries.callsite import NO_CALL
from errguard.queries.django_api import CursorWrapper
from errguard.queries.log import QueryLog
from errguard.queries.normalize import is_bookkeeping
from errguard.queries.patching import PatchStack


def install_recorder(log: QueryLog, patches: PatchStack) -> None:
    """Append every statement executed while ``log.active`` to ``log``, until ``patches`` is
    undone."""
    original = CursorWrapper._execute_with_wrappers
    append = log.records.append
    locate = log.finder.locate
    find = log.finder.find
    clock = time.perf_counter
    frame = sys._getframe
    thread = threading.get_ident

    def _execute_with_wrappers(self: Any, sql: Any, params: Any, many: bool, executor: Any) -> Any:
        __tracebackhide__ = True
        # ORM queries always pass parameters: only a statement without any can be bookkeeping.
        if not log.active or (params is None and is_bookkeeping(sql, params)):
            return original(self, sql, params, many, executor)
        start = clock()
        try:
            return original(self, sql, params, many, executor)
        finally:
            duration = clock() - start
            me = thread()
            if log.numbering_calls:
                site, call = locate(frame(1), me)
            else:
                site, call = find(frame(1)), NO_CALL
            append(
                (
                    sql if isinstance(sql, str) else str(sql),
                    len(params) if hasattr(params, "__len__") else None,
                    duration,
                    self.db.alias,
                    site,
                    me,
                    many,
                    call,
                    None if many else params,
                )
            )

    patches.setattr(CursorWrapper, "_execute_with_wrappers", _execute_with_wrappers)
