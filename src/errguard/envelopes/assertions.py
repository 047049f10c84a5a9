"""The assertions behind ``errguard.testing`` and the ``error_envelope`` fixture."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from errguard.envelopes.check import check_answer
from errguard.envelopes.config import EnvelopeConfig
from errguard.envelopes.problems import envelope_failure
from errguard.envelopes.responses import read_response
from errguard.envelopes.schema import EnvelopeSchema
from errguard.envelopes.sweep import SweepReport, sweep


def assert_envelope(
    response: object,
    config: EnvelopeConfig,
    *,
    status: int | None = None,
    code: str | None = None,
    schema: str | EnvelopeSchema | None = None,
) -> dict[str, Any]:
    __tracebackhide__ = True
    answer = read_response(response)
    outcome = check_answer(answer, config.rules(schema), status=status, code=code)
    if outcome.problems or outcome.envelope is None:
        raise envelope_failure(outcome.problems, answer.label)
    return outcome.envelope


def sweep_envelopes(
    client: object,
    config: EnvelopeConfig,
    urls: Iterable[str] | None = None,
    *,
    schema: str | EnvelopeSchema | None = None,
    exclude: Sequence[str] = (),
) -> SweepReport:
    __tracebackhide__ = True
    return sweep(client, urls, config.rules(schema), exclude)


@dataclass(frozen=True)
class ErrorEnvelope:
    """What the ``error_envelope`` fixture gives: the assertion, and ``.sweep``."""

    config: EnvelopeConfig

    def __call__(
        self,
        response: object,
        *,
        status: int | None = None,
        code: str | None = None,
        schema: str | EnvelopeSchema | None = None,
    ) -> dict[str, Any]:
        __tracebackhide__ = True
        return assert_envelope(response, self.config, status=status, code=code, schema=schema)

    def sweep(
        self,
        client: object,
        urls: Iterable[str] | None = None,
        *,
        schema: str | EnvelopeSchema | None = None,
        exclude: Sequence[str] = (),
    ) -> SweepReport:
        __tracebackhide__ = True
        return sweep_envelopes(client, self.config, urls, schema=schema, exclude=exclude)
