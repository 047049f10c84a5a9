"""Checks of single envelope fields; each returns what is wrong with the value (empty: fine)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from errguard.envelopes.catalog import UPPER_SNAKE, Catalog
from errguard.envelopes.responses import HttpAnswer


@dataclass(frozen=True)
class CheckContext:
    answer: HttpAnswer
    catalog: Catalog
    request_id_header: str


FieldCheck = Callable[[object, CheckContext], list[str]]

# RFC 3339 section 5.6 (``T`` and ``Z`` may be lower case); the offset is optional here only to
# tell a naive timestamp apart from one that is not a date-time at all.
_RFC3339 = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt](?P<hours>\d{2}):(?P<minutes>\d{2}):(?P<seconds>\d{2})"
    r"(?:\.(?P<fraction>\d+))?(?P<offset>[Zz]|[+-]\d{2}:\d{2})?"
)
_UTC_OFFSETS = frozenset({"Z", "z", "+00:00"})
_EXAMPLE = "'2024-01-01T10:00:00Z'"


def timestamp_problem(value: str) -> str | None:
    """Why ``value`` is not an RFC 3339 date-time in UTC; None when it is one."""
    match = _RFC3339.fullmatch(value)
    if match is None:
        return f"is not an RFC 3339 date-time (like {_EXAMPLE})"
    offset = match.group("offset")
    if offset is None:
        return "has no UTC offset (RFC 3339 needs Z or +00:00)"
    if offset == "-00:00":
        return "has offset -00:00, which means 'local time unknown' (use Z or +00:00)"
    if offset not in _UTC_OFFSETS:
        return f"is not in UTC (offset {offset}; use Z or +00:00)"
    # fromisoformat checks the ranges; on Python 3.10 it takes neither Z, nor a fraction other
    # than 3 or 6 digits, nor the leap second 60 that RFC 3339 allows, so those are normalised.
    seconds = "59" if match.group("seconds") == "60" else match.group("seconds")
    fraction = (match.group("fraction") or "").ljust(6, "0")[:6]
    normalised = (
        f"{match.group('date')}T{match.group('hours')}:{match.group('minutes')}:{seconds}"
        f".{fraction}+00:00"
    )
    try:
        datetime.fromisoformat(normalised)
    except ValueError as error:
        return f"is not a valid date-time ({error})"
    return None


def retry_after_problem(value: str) -> str | None:
    """Why a ``Retry-After`` value is neither delay-seconds nor an HTTP date (RFC 9110 10.2.3)."""
    if value.strip().isdigit():
        return None
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return "is neither a number of seconds nor an HTTP date"
    return None


def equals(expected: object) -> FieldCheck:
    def check(value: object, _context: CheckContext) -> list[str]:
        return [] if value == expected else [f"must be {expected!r}"]

    return check


def non_empty_string(value: object, _context: CheckContext) -> list[str]:
    if isinstance(value, str) and value.strip():
        return []
    return ["must be a non-empty string"]


def json_object(value: object, _context: CheckContext) -> list[str]:
    if isinstance(value, dict):
        return []
    return ["must be an object (use {} when there is nothing to add)"]


def error_code(value: object, context: CheckContext) -> list[str]:
    if not isinstance(value, str):
        return ["must be a string"]
    if not UPPER_SNAKE.fullmatch(value):
        return ["is not UPPER_SNAKE_CASE"]
    mismatch = context.catalog.mismatch(value, context.answer.status)
    return [mismatch] if mismatch else []


def request_id(value: object, context: CheckContext) -> list[str]:
    if not isinstance(value, str) or not value.strip():
        return ["must be a non-empty string"]
    header = context.answer.header(context.request_id_header)
    if header is not None and header != value:
        return [f"does not match the {context.request_id_header} header {header!r}"]
    return []


def timestamp(value: object, _context: CheckContext) -> list[str]:
    if not isinstance(value, str):
        return [f"must be an RFC 3339 date-time string (like {_EXAMPLE})"]
    problem = timestamp_problem(value)
    return [problem] if problem else []


def http_status(value: object, context: CheckContext) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [f"must be the HTTP status as a number ({context.answer.status})"]
    if value != context.answer.status:
        return [f"does not match the HTTP status {context.answer.status}"]
    return []


def uri_reference(value: object, _context: CheckContext) -> list[str]:
    if isinstance(value, str) and not any(char.isspace() for char in value):
        return []
    return ["must be a URI reference (a string without spaces)"]
