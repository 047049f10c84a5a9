"""Fault injection beneath HTTP clients, into callables and into Django database queries.

The ``faults`` pytest fixture is a :class:`Faults`; outside fixtures use it as a context
manager::

    from errguard.faults import Faults

    with Faults() as faults:
        faults.http("http://payments.local/charge", status=503, times=2)
        ...

Only the standard library is imported here: Django is imported by ``faults.db()`` alone, and
no HTTP client is ever imported (the faults live in the socket layer beneath them).
"""

from __future__ import annotations

from errguard.faults.calls import CallFault, RecordedCall
from errguard.faults.core import FaultHandle, FaultProblem, Faults
from errguard.faults.db import DbFault, FaultedQuery
from errguard.faults.http import FaultedRequest, HttpFault
from errguard.faults.network import BlockedConnection, NetworkGuard
from errguard.faults.plan import FaultPlan, PlannedFault

__all__ = [
    "BlockedConnection",
    "CallFault",
    "DbFault",
    "FaultHandle",
    "FaultPlan",
    "FaultProblem",
    "FaultedQuery",
    "FaultedRequest",
    "Faults",
    "HttpFault",
    "NetworkGuard",
    "PlannedFault",
    "RecordedCall",
]
