"""Categories from the exception's classes, its status code, and what it was raised from."""

from __future__ import annotations

import sqlite3

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.utils import OperationalError

from errguard.triage.classify import DEFAULT_CATEGORIES, PROGRAMMING, classify, parse_categories


class ShopError(Exception):
    pass


def _raised_from(error: BaseException, cause: BaseException) -> BaseException:
    try:
        raise error from cause
    except BaseException as raised:
        return raised


def _response(status: int) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    return response


@pytest.mark.parametrize(
    ("error", "category"),
    [
        (OperationalError("no such table"), "database"),
        (sqlite3.IntegrityError("UNIQUE constraint failed"), "database"),
        (requests.ConnectionError("refused"), "network"),
        (requests.ConnectTimeout("slow"), "timeout"),
        (requests.ReadTimeout("slow"), "timeout"),
        (TimeoutError(), "timeout"),
        (ConnectionRefusedError(), "network"),
        (ValidationError("bad"), "validation"),
        (PermissionDenied(), "permission"),
        (requests.HTTPError("403", response=_response(403)), "permission"),
        (requests.HTTPError("401", response=_response(401)), "authentication"),
        (requests.HTTPError("500", response=_response(500)), "network"),
        (AssertionError("assert 403 == 200"), "permission"),
        (AssertionError("assert 401 == 200"), "authentication"),
        (AssertionError("assert 404 == 200"), "assertion"),
        (ImproperlyConfigured("SECRET_KEY"), "configuration"),
        (ModuleNotFoundError("No module named 'x'"), "configuration"),
        (AttributeError("'NoneType' object has no attribute 'x'"), PROGRAMMING),
        (_raised_from(ShopError("basket"), OperationalError("locked")), "database"),
        (_raised_from(KeyError("a"), ShopError("b")), PROGRAMMING),
        (pytest.fail.Exception("the test says no"), "assertion"),
        (_raised_from(pytest.fail.Exception("blocked"), requests.ConnectionError()), "network"),
        (_raised_from(pytest.fail.Exception("failed"), KeyError("a")), "assertion"),
    ],
)
def test_categories(error, category):
    assert classify(error, DEFAULT_CATEGORIES) == category


def test_the_project_adds_and_overrides_categories():
    table = parse_categories(
        [f"{__name__}.ShopError = integration", "", "builtins.TimeoutError = slow"]
    )
    assert classify(ShopError(), table) == "integration"
    assert classify(TimeoutError(), table) == "slow"
    assert classify(requests.ReadTimeout(), table) == "timeout"  # its own entry comes first


@pytest.mark.parametrize("line", ["ShopError", "= database", "Shop Error = database", "x = a b"])
def test_malformed_lines_are_refused(line):
    with pytest.raises(ValueError, match=r"dotted\.ExceptionClass = category"):
        parse_categories([line])
