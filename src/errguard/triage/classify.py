"""The category of a failure, from its exception's classes (and the exceptions it chains).

Each class of the exception's MRO is looked up by its dotted name, most specific first, so a
``requests.exceptions.ReadTimeout`` is a timeout before it is a network error. A project adds
or overrides names in the ``errguard_triage_categories`` ini setting. An HTTP 401 or 403, seen
on an HTTP error's response or in an assertion on a status code, is authentication or
permission. An exception that matches nothing is a programming error; then the exceptions it
was raised from are looked up, so a project's own error wrapping a database error is database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

PROGRAMMING = "programming"

DEFAULT_CATEGORIES: Mapping[str, str] = {
    "django.db.utils.Error": "database",
    "sqlite3.Error": "database",
    "psycopg2.Error": "database",
    "psycopg.Error": "database",
    "builtins.ConnectionError": "network",
    "socket.gaierror": "network",
    "socket.herror": "network",
    "urllib.error.URLError": "network",
    "http.client.HTTPException": "network",
    "requests.exceptions.RequestException": "network",
    "httpx.HTTPError": "network",
    "urllib3.exceptions.HTTPError": "network",
    "builtins.TimeoutError": "timeout",
    "asyncio.exceptions.TimeoutError": "timeout",
    "concurrent.futures._base.TimeoutError": "timeout",
    "requests.exceptions.Timeout": "timeout",
    "requests.exceptions.ConnectTimeout": "timeout",
    "httpx.TimeoutException": "timeout",
    "urllib3.exceptions.TimeoutError": "timeout",
    "django.core.exceptions.ValidationError": "validation",
    "rest_framework.exceptions.ValidationError": "validation",
    "pydantic_core._pydantic_core.ValidationError": "validation",
    "marshmallow.exceptions.ValidationError": "validation",
    "jsonschema.exceptions.ValidationError": "validation",
    "rest_framework.exceptions.NotAuthenticated": "authentication",
    "rest_framework.exceptions.AuthenticationFailed": "authentication",
    "django.core.exceptions.PermissionDenied": "permission",
    "rest_framework.exceptions.PermissionDenied": "permission",
    "builtins.PermissionError": "permission",
    "django.core.exceptions.ImproperlyConfigured": "configuration",
    "django.core.exceptions.AppRegistryNotReady": "configuration",
    "builtins.ImportError": "configuration",
    "_pytest.fixtures.FixtureLookupError": "configuration",
    "builtins.AssertionError": "assertion",
    "builtins.Failed": "assertion",  # pytest.fail(), pytest's class says it is a builtin
}

_STATUS_CATEGORIES = {401: "authentication", 403: "permission"}
# pytest's rewritten assertion on a status code: "assert 403 == 200".
_ASSERTED_STATUS = re.compile(r"^assert (40[13]) (?:==|!=|in|not in) ")
_CHAIN_LIMIT = 10
_DEFERS_TO_ITS_CAUSE = frozenset({"builtins.Failed"})


def parse_categories(lines: Iterable[str]) -> dict[str, str]:
    """``dotted.ExceptionClass = category`` lines (the ini setting) over the default table."""
    table = dict(DEFAULT_CATEGORIES)
    for line in lines:
        name, equals, category = (part.strip() for part in line.partition("="))
        if not line.strip():
            continue
        if not equals or not name or not category or " " in name or " " in category:
            raise ValueError(
                f"errguard_triage_categories: expected 'dotted.ExceptionClass = category', "
                f"got {line.strip()!r}"
            )
        table[name] = category
    return table


def dotted_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def classify(error: BaseException, table: Mapping[str, str]) -> str:
    """The category of ``error``, or of the first exception in its chain that has one.

    ``pytest.fail()`` only says that a test failed: what it was raised from says more (a
    blocked connection is a network error); it is an assertion failure when nothing does.
    """
    fallback = PROGRAMMING
    for exception in chain(error):
        category = _by_status(exception) or _by_class(type(exception), table)
        if category is None:
            continue
        if dotted_name(type(exception)) not in _DEFERS_TO_ITS_CAUSE:
            return category
        if fallback == PROGRAMMING:
            fallback = category
    return fallback


def chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, then what it was raised from (its cause, else its unsuppressed context)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(seen) < _CHAIN_LIMIT:
        seen.add(id(current))
        yield current
        current = cause_of(current)


def cause_of(error: BaseException) -> BaseException | None:
    if error.__cause__ is not None:
        return error.__cause__
    return None if error.__suppress_context__ else error.__context__


def _by_class(cls: type, table: Mapping[str, str]) -> str | None:
    for ancestor in cls.__mro__:
        category = table.get(dotted_name(ancestor))
        if category is not None:
            return category
    return None


def _by_status(error: BaseException) -> str | None:
    status = getattr(getattr(error, "response", None), "status_code", None)
    if isinstance(status, int):
        return _STATUS_CATEGORIES.get(status)
    if isinstance(error, AssertionError):
        match = _ASSERTED_STATUS.match(str(error))
        if match:
            return _STATUS_CATEGORIES[int(match.group(1))]
    return None
