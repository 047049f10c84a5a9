"""Test helpers: prove that every error response is a standard error envelope.

    from errguard.testing import assert_error_envelope, sweep_error_envelopes

    def test_missing_order(client):
        envelope = assert_error_envelope(client.get("/orders/999/"), status=404)
        assert envelope["code"] == "RESOURCE_NOT_FOUND"

Works with Django (test client, ``JsonResponse``, DRF ``Response``), Flask, Starlette/FastAPI
``TestClient``, httpx and requests responses, and imports none of them. The configuration comes
from ``[tool.errguard.envelope]`` in pyproject.toml and the ``errguard_envelope_*`` ini options.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from errguard.envelopes.assertions import assert_envelope, sweep_envelopes
from errguard.envelopes.catalog import DEFAULT_CATALOG, Catalog
from errguard.envelopes.config import active_config
from errguard.envelopes.problems import EnvelopeAssertionError
from errguard.envelopes.schema import RFC9457, STANDARD, EnvelopeField, EnvelopeSchema
from errguard.envelopes.sweep import ProbeResult, SweepReport

__all__ = [
    "DEFAULT_CATALOG",
    "RFC9457",
    "STANDARD",
    "Catalog",
    "EnvelopeAssertionError",
    "EnvelopeField",
    "EnvelopeSchema",
    "ProbeResult",
    "SweepReport",
    "assert_error_envelope",
    "sweep_error_envelopes",
]


def assert_error_envelope(
    response: object,
    *,
    status: int | None = None,
    code: str | None = None,
    schema: str | EnvelopeSchema | None = None,
) -> dict[str, Any]:
    """The parsed envelope of ``response``, or an ``AssertionError`` listing every problem.

    ``status`` and ``code`` are what the test expects; ``schema`` is ``"standard"``,
    ``"rfc9457"`` or an :class:`EnvelopeSchema` (default: the configured schema).
    """
    __tracebackhide__ = True
    return assert_envelope(response, active_config(), status=status, code=code, schema=schema)


def sweep_error_envelopes(
    client: object,
    urls: Iterable[str] | None = None,
    *,
    schema: str | EnvelopeSchema | None = None,
    exclude: Sequence[str] = (),
) -> SweepReport:
    """Probe every route (or ``urls``) for error answers that are not envelopes.

    Each route gets an unknown sub-path, a method its view does not allow and a malformed JSON
    body; every 4xx/5xx answer must be an envelope. Without ``urls`` the client must be Django's
    (or DRF's) and the routes come from the URLconf. ``exclude`` holds URL globs to leave out.
    Raises an ``AssertionError`` listing every failure; returns the report otherwise.
    """
    __tracebackhide__ = True
    return sweep_envelopes(client, active_config(), urls, schema=schema, exclude=exclude)
