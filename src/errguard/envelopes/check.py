"""Check one HTTP answer against an envelope schema, collecting every problem."""

from __future__ import annotations

import json
from dataclasses import dataclass

from errguard.envelopes.catalog import Catalog
from errguard.envelopes.fields import CheckContext, retry_after_problem
from errguard.envelopes.leaks import LeakPolicy, leak_problems
from errguard.envelopes.problems import Problem
from errguard.envelopes.responses import HttpAnswer
from errguard.envelopes.schema import EnvelopeSchema

_TOO_MANY_REQUESTS = 429


@dataclass(frozen=True)
class Rules:
    """Everything a check needs besides the response: schema, catalog and leak policy."""

    schema: EnvelopeSchema
    catalog: Catalog
    leak_policy: LeakPolicy
    request_id_header: str = "X-Request-ID"
    require_retry_after: bool = True


@dataclass(frozen=True)
class Outcome:
    envelope: dict[str, object] | None
    problems: list[Problem]


def check_answer(
    answer: HttpAnswer, rules: Rules, *, status: int | None = None, code: str | None = None
) -> Outcome:
    problems: list[Problem] = []
    if status is not None and answer.status != status:
        problems.append(Problem("HTTP status", f"is not the expected {status}", answer.status))
    if answer.status < 400:
        problems.append(
            Problem("HTTP status", "is not an error (expected 4xx or 5xx)", answer.status)
        )
        return Outcome(None, problems)
    envelope = parse_body(answer)
    if isinstance(envelope, Problem):
        problems.append(envelope)
        return Outcome(None, problems)
    if code is not None:
        problems += _expected_code_problems(envelope, rules.schema, code)
    problems += _header_problems(answer, rules)
    problems += _field_problems(envelope, answer, rules)
    problems += leak_problems(envelope, rules.schema.leak_fields, rules.leak_policy)
    return Outcome(envelope, problems)


def parse_body(answer: HttpAnswer) -> dict[str, object] | Problem:
    """The body as a JSON object, or the problem that stops it being one."""
    text = answer.body.decode(answer.charset, errors="replace")
    if not text.strip():
        return Problem("body", "is empty (an error response needs a JSON envelope)")
    preview = " ".join(text.split())
    try:
        data = json.loads(text)
    except ValueError as error:
        if answer.media_type == "text/html" or preview.startswith("<"):
            hint = "is an HTML page, not a JSON envelope (did the error bypass your handler?)"
            return Problem("body", hint, preview)
        reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        return Problem("body", f"is not JSON ({reason})", preview)
    if not isinstance(data, dict):
        return Problem("body", f"is a JSON {type(data).__name__}, not an object", data)
    return data


def _expected_code_problems(
    envelope: dict[str, object], schema: EnvelopeSchema, code: str
) -> list[Problem]:
    name = schema.code_field
    if name is None:
        raise ValueError(f"the {schema.name} schema has no code field to compare code= with")
    if name in envelope:
        if envelope[name] == code:
            return []
        return [Problem(name, f"is not the expected {code!r}", envelope[name])]
    if any(field.name == name and field.required for field in schema.fields):
        return []  # reported as a missing field already
    return [Problem(name, f"is missing (expected {code!r})")]


def _header_problems(answer: HttpAnswer, rules: Rules) -> list[Problem]:
    problems = []
    expected = " or ".join(rules.schema.media_types)
    content_type = answer.header("content-type")
    if content_type is None:
        problems.append(Problem("Content-Type header", f"is missing (expected {expected})"))
    elif not rules.schema.accepts_media_type(answer.media_type):
        problems.append(Problem("Content-Type", f"is not {expected}", content_type))
    if answer.status == _TOO_MANY_REQUESTS and rules.require_retry_after:
        retry_after = answer.header("retry-after")
        if retry_after is None:
            problems.append(
                Problem("Retry-After header", "is missing (HTTP 429 must say when to retry)")
            )
        elif (reason := retry_after_problem(retry_after)) is not None:
            problems.append(Problem("Retry-After header", reason, retry_after))
    return problems


def _field_problems(envelope: dict[str, object], answer: HttpAnswer, rules: Rules) -> list[Problem]:
    schema = rules.schema
    context = CheckContext(answer, schema.catalog or rules.catalog, rules.request_id_header)
    problems = []
    for field in schema.fields:
        if field.name not in envelope:
            if field.required:
                problems.append(Problem(field.name, "is missing"))
            continue
        value = envelope[field.name]
        problems += [Problem(field.name, text, value) for text in field.check(value, context)]
    if schema.extra_fields is not True:
        extra = () if isinstance(schema.extra_fields, bool) else schema.extra_fields
        allowed = {*schema.field_names, *extra}
        known = ", ".join(schema.field_names)
        problems += [
            Problem(name, f"is not a field of the {schema.name} envelope ({known})", value)
            for name, value in envelope.items()
            if name not in allowed
        ]
    return problems
