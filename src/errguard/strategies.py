"""Hypothesis strategies for errguard. Importing this module imports Hypothesis.

``fault_plans()`` draws fault schedules over the external calls you declare: which of them
fail, how, and how many times in a row. A property test injects each plan and asserts an
invariant; when it fails, Hypothesis shrinks the plan to the smallest schedule that still
breaks it (fewest faults, simplest kinds, fewest repetitions) and prints it::

    from hypothesis import given, settings
    from errguard.strategies import fault_plans

    @settings(max_examples=50, deadline=None)
    @given(plan=fault_plans(http=["http://quotes.local/"], calls=["shop.cache.read"]))
    def test_quotes_never_500(plan):
        with plan.inject():
            response = client.get("/api/quote/ACME")
        assert response.status_code in (200, 502)
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any, Final

from hypothesis import strategies as st

from errguard.faults.matching import parse_pattern
from errguard.faults.options import ErrorSpec
from errguard.faults.plan import FaultPlan, PlannedFault

__all__ = ["HTTP_KINDS", "FaultPlan", "PlannedFault", "fault_plans"]

# Simplest first: Hypothesis shrinks towards the start of each list.
HTTP_KINDS: Final = ("connect", "status", "body", "reset", "timeout", "delay")
_DEFAULT_HTTP_KINDS: Final = ("connect", "status", "body", "reset")

_Choice = tuple[str | re.Pattern[str], tuple[str, Any]]


def fault_plans(
    *,
    http: Iterable[str | re.Pattern[str]] = (),
    calls: Iterable[str] = (),
    db: Iterable[str | None] = (),
    http_kinds: Sequence[str] = _DEFAULT_HTTP_KINDS,
    statuses: Sequence[int] = (500, 502, 503, 504, 429),
    bodies: Sequence[bytes] = (b"", b"{", b"<html>Bad Gateway</html>", b"null"),
    delays: Sequence[float] = (0.05, 0.2),
    call_errors: Sequence[ErrorSpec] = (ConnectionError, TimeoutError),
    db_errors: Sequence[ErrorSpec] | None = None,
    times: Sequence[int | None] = (1, 2, 3, None),
) -> st.SearchStrategy[FaultPlan]:
    """Plans over the declared external calls: ``http`` URLs (prefixes, as for
    ``faults.http``), ``calls`` (dotted paths, as for ``faults.call``) and ``db`` aliases
    (None: every alias).

    ``http_kinds`` picks the HTTP faults drawn from :data:`HTTP_KINDS`: ``connect`` (refused;
    applied to the URL's origin), ``status`` (one of ``statuses``), ``body`` (a 200 with one of
    ``bodies``), ``reset``, and the slow ones, left out by default: ``timeout`` (waits for the
    client's read timeout) and ``delay`` (one of ``delays``, then the real answer). ``https``
    URLs only get ``connect``. ``times`` is how many matching requests in a row fail (None:
    all of them).
    """
    unknown = sorted(set(http_kinds) - set(HTTP_KINDS))
    if unknown:
        raise ValueError(f"unknown http_kinds {unknown}; choose from {HTTP_KINDS}")
    repeat = st.sampled_from(list(times))
    points: list[st.SearchStrategy[PlannedFault | None]] = []
    for url in http:
        choices = _http_choices(url, http_kinds, statuses, bodies, delays)
        if choices:
            points.append(_point("http", st.one_of(choices), repeat))
    for target in calls:
        raises = st.sampled_from(list(call_errors)).map(partial(_option, "raises"))
        points.append(_point("call", raises.map(partial(_aimed, target)), repeat))
    for alias in db:
        errors = list(db_errors) if db_errors is not None else [_operational_error()]
        failing = st.sampled_from(errors).map(partial(_option, "error"))
        points.append(_point("db", failing.map(partial(_aimed, alias)), repeat))
    if not points:
        raise ValueError("fault_plans() needs at least one external call: http, calls or db")
    return st.tuples(*points).map(
        lambda drawn: FaultPlan(tuple(fault for fault in drawn if fault is not None))
    )


def _point(
    kind: Any, choice: st.SearchStrategy[Any], repeat: st.SearchStrategy[int | None]
) -> st.SearchStrategy[PlannedFault | None]:
    def planned(drawn: tuple[Any, tuple[str, Any]], times: int | None) -> PlannedFault:
        target, option = drawn
        return PlannedFault(kind, target, (option, ("times", times)))

    return st.none() | st.builds(planned, choice, repeat)


def _http_choices(
    url: str | re.Pattern[str],
    kinds: Sequence[str],
    statuses: Sequence[int],
    bodies: Sequence[bytes],
    delays: Sequence[float],
) -> list[st.SearchStrategy[_Choice]]:
    pattern = parse_pattern(url)
    origin: str | re.Pattern[str] = url
    if pattern.endpoint is not None and pattern.scheme is not None:
        origin = pattern.endpoint.origin(pattern.scheme)
    options: dict[str, st.SearchStrategy[tuple[str, Any]]] = {
        "connect": st.just(("error", "connect")),
        "status": st.sampled_from(list(statuses)).map(partial(_option, "status")),
        "body": st.sampled_from(list(bodies)).map(partial(_option, "body")),
        "reset": st.just(("error", "reset")),
        "timeout": st.just(("error", "timeout")),
        "delay": st.sampled_from(list(delays)).map(partial(_option, "delay")),
    }
    choices = []
    for kind in kinds:
        if pattern.scheme == "https" and kind != "connect":
            continue  # beneath TLS only a refused connection can be injected
        target = origin if kind == "connect" else url
        choices.append(options[kind].map(partial(_aimed, target)))
    return choices


def _option(name: str, value: object) -> tuple[str, Any]:
    return name, value


def _aimed(target: Any, option: tuple[str, Any]) -> _Choice:
    return target, option


def _operational_error() -> ErrorSpec:
    error: ErrorSpec = importlib.import_module("django.db.utils").OperationalError
    return error
