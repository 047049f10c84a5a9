"""Each cause's category: from the exception's classes, the project's ini, injected faults."""

from __future__ import annotations

import pytest

from tests.pytest_plugin.triage_project import run, write

CATEGORIES = """
import django.core.exceptions
import pytest
import requests
from django.core.exceptions import PermissionDenied, ValidationError


class ShopError(Exception):
    pass


def test_database():
    import sqlite3
    sqlite3.connect(":memory:").execute("select * from missing")


def test_wrapped_database_error():
    import sqlite3
    try:
        sqlite3.connect(":memory:").execute("select * from missing")
    except sqlite3.Error as error:
        raise ShopError("could not load the basket") from error


def test_network():
    raise requests.ConnectionError("connection refused")


def test_timeout():
    raise requests.ReadTimeout("read timed out")


def test_validation():
    raise ValidationError("Enter a valid email address.")


def test_permission():
    raise PermissionDenied


def test_forbidden_response():
    status_code = 403
    assert status_code == 200


def test_configuration():
    raise django.core.exceptions.ImproperlyConfigured("SECRET_KEY must not be empty")


def test_import():
    from json import loads_faster  # noqa: F401


def test_assertion():
    assert [1, 2] == [1, 2, 3]


def test_programming():
    None.upper()


def test_missing_fixture(database_that_does_not_exist):
    pass
"""

EXPECTED = {
    "test_database": "database",
    "test_wrapped_database_error": "database",
    "test_network": "network",
    "test_timeout": "timeout",
    "test_validation": "validation",
    "test_permission": "permission",
    "test_forbidden_response": "permission",
    "test_configuration": "configuration",
    "test_import": "configuration",
    "test_assertion": "assertion",
    "test_programming": "programming",
    "test_missing_fixture": "configuration",
}


def _categories(pytester: pytest.Pytester, *args: str) -> dict[str, str]:
    data = run(pytester, *args).data
    return {
        test.split("::")[-1].removesuffix(" (setup)"): cause["category"]
        for cause in data["root_causes"]
        for test in cause["tests"]
    }


def test_failures_are_classified_by_exception(pytester):
    write(pytester, {"test_categories.py": CATEGORIES})
    assert _categories(pytester) == EXPECTED


def test_the_ini_adds_and_overrides_categories(pytester):
    write(
        pytester,
        {
            "test_categories.py": CATEGORIES,
            "pytest.ini": """
            [pytest]
            errguard_triage_categories =
                test_categories.ShopError = integration
                builtins.AttributeError = data
            """,
        },
    )
    assert _categories(pytester) == {
        **EXPECTED,
        "test_wrapped_database_error": "integration",
        "test_programming": "data",
    }


def test_a_malformed_category_line_is_a_usage_error(pytester):
    write(
        pytester,
        {"pytest.ini": "[pytest]\nerrguard_triage_categories =\n    ShopError integration\n"},
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*errguard_triage_categories: expected 'dotted.ExceptionClass = category', "
            "got 'ShopError integration'"
        ]
    )


INJECTED = """
import pytest
import requests

from shop import checkout


def test_call_fault(faults):
    faults.call("shop.checkout.charge", raises=ConnectionError)
    checkout.pay()


def test_http_fault(faults):
    faults.http("http://payments.invalid:8000", error=ConnectionResetError("reset by peer"))
    requests.get("http://payments.invalid:8000/charge", timeout=5)


def test_real_error():
    raise ConnectionError("not a fault")
"""

CHECKOUT = """
def charge():
    return "charged"


def pay():
    return charge()
"""


def test_faults_injected_by_errguard_are_labelled(pytester):
    write(
        pytester,
        {
            "pytest.ini": "[pytest]\npythonpath = .\n",
            "shop/__init__.py": "",
            "shop/checkout.py": CHECKOUT,
            "test_injected.py": INJECTED,
        },
    )
    triage = run(pytester)
    by_test = {
        test.split("::")[-1]: cause
        for cause in triage.data["root_causes"]
        for test in cause["tests"]
    }
    labels = {test: (cause["category"], cause["injected"]) for test, cause in by_test.items()}
    assert labels == {
        "test_call_fault": ("network", True),
        "test_http_fault": ("network", True),
        "test_real_error": ("network", False),
    }
    assert by_test["test_call_fault"]["frame"] == "shop/checkout.py in pay"
    http = by_test["test_http_fault"]
    assert (http["exception"], http["cause"]) == (
        "requests.exceptions.ConnectionError",
        "urllib3.exceptions.MaxRetryError",
    )
    assert http["frame"] == "test_injected.py in test_http_fault"
    assert f"  network, injected  {http['fingerprint']}  new\n" in triage.section
