"""The causes of the previous runs, kept in pytest's cache, against this run's.

Each cause this run is new, still failing, or failing again: then it failed in an earlier run,
passed (its tests ran and none failed with it) and fails again, so it is flaky. A cause of the
last run is fixed when one of its tests ran this time and none failed with it; a cause none of
whose tests ran (``-k``, ``--lf``, another directory) is kept for the next run as it was.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from errguard.triage.summary import FAILING_AGAIN, STILL_FAILING, Cause, Triage, node_id

CACHE_KEY = "errguard/triage"
MAX_KEPT = 500
"""Causes remembered across runs; the ones seen longest ago are forgotten first."""
MAX_KEPT_TESTS = 100
"""Tests remembered per cause: enough to tell whether it ran again."""


@dataclass
class _Entry:
    cause: Cause
    failing: bool
    run: int

    def to_json(self) -> dict[str, Any]:
        cause = self.cause.to_json()
        cause["tests"] = cause["tests"][:MAX_KEPT_TESTS]
        return {"failing": self.failing, "run": self.run, "cause": cause}


def compare(triage: Triage, previous: object, ran: Collection[str]) -> dict[str, Any]:
    """Mark ``triage``'s causes against the cached state ``previous``; the state to cache next."""
    entries = _entries(previous)
    run = max((entry.run for entry in entries.values()), default=0) + 1
    for cause in triage.failing:
        entry = entries.get(cause.fingerprint)
        if entry is not None:
            cause.status = STILL_FAILING if entry.failing else FAILING_AGAIN
            cause.flaky = cause.flaky or entry.cause.flaky or not entry.failing
        entries[cause.fingerprint] = _Entry(cause, failing=True, run=run)
    for cause in triage.flaky:
        entries[cause.fingerprint] = _Entry(cause, failing=False, run=run)
    for entry in entries.values():
        if entry.failing and entry.run < run and _ran(entry.cause, ran):
            triage.fixed.append(entry.cause)
            entry.failing, entry.run = False, run
    kept = sorted(entries.items(), key=lambda item: -item[1].run)[:MAX_KEPT]
    return {"causes": {fingerprint: entry.to_json() for fingerprint, entry in kept}}


def _ran(cause: Cause, ran: Collection[str]) -> bool:
    return any(node_id(test) in ran for test in cause.tests)


def _entries(previous: object) -> dict[str, _Entry]:
    """The cached causes; a cache another version wrote, or edited by hand, counts as empty."""
    causes = previous.get("causes") if isinstance(previous, dict) else None
    if not isinstance(causes, dict):
        return {}
    try:
        return {
            fingerprint: _Entry(
                Cause.from_json(data["cause"]), bool(data["failing"]), int(data["run"])
            )
            for fingerprint, data in causes.items()
        }
    except (KeyError, TypeError, ValueError):
        return {}
