"""assert_error_envelope on real responses: requests and httpx against a server on 127.0.0.1,
Starlette's TestClient and Flask's test client."""

from __future__ import annotations

import httpx
import pytest
import requests

from errguard.testing import (
    DEFAULT_CATALOG,
    STANDARD,
    EnvelopeAssertionError,
    assert_error_envelope,
)
from tests.pytest_plugin.envelope_helpers import (
    REQUEST_ID,
    canned_server,
    good_envelope,
    good_problem,
)


@pytest.fixture(scope="module")
def server():
    with canned_server() as running:
        yield running


@pytest.fixture(params=["requests", "httpx"])
def fetch(request, server):
    """GET a canned answer through a real client; returns that client's Response."""

    def get(status, body, headers=None, content_type="application/json"):
        url = server.url_for(status, body, headers, content_type)
        if request.param == "requests":
            return requests.get(url, timeout=5)
        return httpx.get(url, timeout=5)

    return get


def problems(response, **expectations):
    with pytest.raises(EnvelopeAssertionError) as caught:
        assert_error_envelope(response, **expectations)
    return [str(problem) for problem in caught.value.problems]


def test_a_valid_envelope_is_returned(fetch):
    body = good_envelope()
    response = fetch(404, body, {"X-Request-ID": REQUEST_ID})
    assert assert_error_envelope(response, status=404, code="RESOURCE_NOT_FOUND") == body


@pytest.mark.parametrize(
    ("code", "status"),
    [*((f"{prefix}FAILED", statuses[0]) for prefix, statuses in DEFAULT_CATALOG.entries)],
)
def test_every_catalog_prefix_passes_with_its_status(fetch, code, status):
    response = fetch(status, good_envelope(code=code), {"Retry-After": "30"})
    assert assert_error_envelope(response, status=status)["code"] == code


def test_framework_codes_pass_for_their_own_status(fetch):
    assert assert_error_envelope(fetch(405, good_envelope(code="HTTP_405")))["code"] == "HTTP_405"
    assert problems(fetch(400, good_envelope(code="HTTP_404"))) == [
        "code 'HTTP_404' does not match HTTP 400 (expected prefix VALIDATION_ or HTTP_400)"
    ]


def test_a_code_with_the_prefix_of_another_status_fails(fetch):
    assert problems(fetch(400, good_envelope(code="RESOURCE_MISSING"))) == [
        "code 'RESOURCE_MISSING' does not match HTTP 400 (expected prefix VALIDATION_ or HTTP_400)"
    ]


def test_a_code_outside_the_catalog_and_a_code_not_upper_snake_fail(fetch):
    assert problems(fetch(404, good_envelope(code="OOPS_BROKEN"))) == [
        "code 'OOPS_BROKEN' has no prefix from the catalog (expected prefix RESOURCE_ or HTTP_404)"
    ]
    assert problems(fetch(404, good_envelope(code="resource_not_found"))) == [
        "code 'resource_not_found' is not UPPER_SNAKE_CASE"
    ]
    assert problems(fetch(404, good_envelope(code=404))) == ["code 404 must be a string"]


def test_every_missing_field_is_reported_at_once(fetch):
    assert problems(fetch(404, {})) == [
        "status is missing",
        "code is missing",
        "message is missing",
        "details is missing",
        "request_id is missing",
        "timestamp is missing",
    ]


def test_wrong_values_of_the_plain_fields(fetch):
    body = good_envelope(status="fail", message=" ", details=[], request_id="", debug=True)
    assert problems(fetch(404, body)) == [
        "status 'fail' must be 'error'",
        "message ' ' must be a non-empty string",
        "details [] must be an object (use {} when there is nothing to add)",
        "request_id '' must be a non-empty string",
        "debug True is not a field of the standard envelope "
        "(status, code, message, details, request_id, timestamp)",
    ]


@pytest.mark.parametrize(
    ("timestamp", "problem"),
    [
        ("2024-01-01T10:00:00", "has no UTC offset (RFC 3339 needs Z or +00:00)"),
        ("2024-01-01T10:00:00+02:00", "is not in UTC (offset +02:00; use Z or +00:00)"),
        (
            "2024-01-01T10:00:00-00:00",
            "has offset -00:00, which means 'local time unknown' (use Z or +00:00)",
        ),
        ("2024-01-01 10:00:00Z", "is not an RFC 3339 date-time (like '2024-01-01T10:00:00Z')"),
        (
            "Mon, 01 Jan 2024 10:00:00 GMT",
            "is not an RFC 3339 date-time (like '2024-01-01T10:00:00Z')",
        ),
        ("2024-02-30T10:00:00Z", "is not a valid date-time (day is out of range for month)"),
    ],
)
def test_timestamps_that_are_not_rfc3339_utc_fail(fetch, timestamp, problem):
    assert problems(fetch(404, good_envelope(timestamp=timestamp))) == [
        f"timestamp {timestamp!r} {problem}"
    ]


@pytest.mark.parametrize(
    "timestamp",
    ["2024-01-01T10:00:00Z", "2024-01-01T10:00:00.123456789+00:00", "2024-01-01t10:00:00.5z"],
)
def test_utc_rfc3339_timestamps_pass(fetch, timestamp):
    assert_error_envelope(fetch(404, good_envelope(timestamp=timestamp)))


def test_a_number_is_not_a_timestamp(fetch):
    assert problems(fetch(404, good_envelope(timestamp=1704103200))) == [
        "timestamp 1704103200 must be an RFC 3339 date-time string (like '2024-01-01T10:00:00Z')"
    ]


def test_request_id_must_equal_the_request_id_header(fetch):
    response = fetch(404, good_envelope(request_id="req-1"), {"X-Request-ID": "req-2"})
    assert problems(response) == [
        "request_id 'req-1' does not match the X-Request-ID header 'req-2'"
    ]


def test_http_429_needs_a_valid_retry_after(fetch):
    body = good_envelope(code="RATE_LIMIT_EXCEEDED")
    assert problems(fetch(429, body)) == [
        "Retry-After header is missing (HTTP 429 must say when to retry)"
    ]
    assert problems(fetch(429, body, {"Retry-After": "soon"})) == [
        "Retry-After header 'soon' is neither a number of seconds nor an HTTP date"
    ]
    assert_error_envelope(fetch(429, body, {"Retry-After": "120"}))
    assert_error_envelope(fetch(429, body, {"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}))


def test_an_html_page_fails_with_a_clear_message(fetch):
    page = "<!doctype html>\n<html>\n<head><title>Not Found</title></head><body></body></html>"
    assert problems(fetch(404, page, content_type="text/html; charset=utf-8")) == [
        "body '<!doctype html> <html> <head><title>Not Found</title></head>…' is an HTML "
        "page, not a JSON envelope (did the error bypass your handler?)"
    ]


def test_empty_plain_text_and_non_object_bodies_fail(fetch):
    assert problems(fetch(405, b"", content_type="text/html")) == [
        "body is empty (an error response needs a JSON envelope)"
    ]
    assert problems(fetch(404, "Not Found", content_type="text/plain")) == [
        "body 'Not Found' is not JSON (Expecting value)"
    ]
    assert problems(fetch(400, ["not", "an", "object"])) == [
        "body ['not', 'an', 'object'] is a JSON list, not an object"
    ]


@pytest.mark.parametrize("status", [200, 201, 204, 302])
def test_success_and_redirect_responses_fail(fetch, status):
    body = good_envelope() if status != 204 else b""
    assert problems(fetch(status, body)) == [
        f"HTTP status {status} is not an error (expected 4xx or 5xx)"
    ]


def test_the_content_type_must_be_json(fetch):
    assert problems(fetch(404, good_envelope(), content_type="text/plain")) == [
        "Content-Type 'text/plain' is not application/json"
    ]
    assert problems(fetch(404, good_envelope(), content_type=None)) == [
        "Content-Type header is missing (expected application/json)"
    ]
    assert_error_envelope(fetch(404, good_envelope(), content_type="application/vnd.api+json"))


def test_expected_status_and_code_are_checked(fetch):
    assert problems(fetch(404, good_envelope()), status=400, code="VALIDATION_FAILED") == [
        "HTTP status 404 is not the expected 400",
        "code 'RESOURCE_NOT_FOUND' is not the expected 'VALIDATION_FAILED'",
    ]


def test_an_expected_code_must_be_present_even_where_code_is_optional(fetch):
    problem_json = "application/problem+json"
    response = fetch(404, good_problem(), content_type=problem_json)
    assert problems(response, schema="rfc9457", code="RESOURCE_NOT_FOUND") == [
        "code is missing (expected 'RESOURCE_NOT_FOUND')"
    ]
    assert problems(fetch(404, {}), code="RESOURCE_NOT_FOUND")[1] == "code is missing"


def test_the_failure_message_lists_every_problem_and_the_response(fetch):
    body = good_envelope(code="RESOURCE_MISSING", timestamp="2024-01-01T10:00:00")
    response = fetch(400, body)
    with pytest.raises(AssertionError) as caught:
        assert_error_envelope(response)
    lines = str(caught.value).splitlines()
    assert lines[:3] == [
        "error envelope has 2 problems:",
        "  - code 'RESOURCE_MISSING' does not match HTTP 400 (expected prefix VALIDATION_ or "
        "HTTP_400)",
        "  - timestamp '2024-01-01T10:00:00' has no UTC offset (RFC 3339 needs Z or +00:00)",
    ]
    assert lines[3].startswith("  response: HTTP 400 to GET http://127.0.0.1:")
    assert lines[3].endswith(" (application/json)")


@pytest.mark.parametrize(
    ("details", "problem"),
    [
        (
            {"trace": 'Traceback (most recent call last):\n  File "/app/shop/views.py", line 3'},
            "details.trace 'Traceback (most recent call last):' leaks a Python traceback",
        ),
        (
            {"where": "raised in /srv/app/shop/payments.py"},
            "details.where '/srv/app/shop/payments.py' leaks a source file path",
        ),
        (
            {"query": 'SELECT "shop_order"."id" FROM "shop_order"'},
            """details.query 'SELECT "shop_order"."id" FROM "shop_order"' leaks an SQL statement""",
        ),
        (
            {"errors": [{"reason": "ZeroDivisionError('division by zero')"}]},
            """details.errors[0].reason "ZeroDivisionError('division by zero')" leaks an exception repr""",
        ),
        (
            {"token": "sk_live_4eC39HqLyjWDarjtT1zdp7dc"},
            "details.token 'sk_live_****' leaks a secret (API key)",
        ),
    ],
)
def test_leaks_in_details_are_reported_with_their_field_path(fetch, details, problem):
    assert problems(fetch(404, good_envelope(details=details))) == [problem]


def test_leaks_in_the_message_are_reported_and_secrets_are_not_printed(fetch):
    secret = "postgres://shop:hunter2hunter2@db.internal:5432/shop"
    with pytest.raises(EnvelopeAssertionError) as caught:
        assert_error_envelope(fetch(500, good_envelope(code="SYSTEM_DOWN", message=secret)))
    assert [str(problem) for problem in caught.value.problems] == [
        "message 'postgres://shop:****@db.internal' leaks a secret (password in a URL)"
    ]
    assert "hunter2" not in str(caught.value)


def test_ordinary_messages_and_details_pass(fetch):
    body = good_envelope(
        code="VALIDATION_FAILED",
        message="Email is required",
        details={
            "email": ["This field is required."],
            "hint": "Please select one from the list, then update your profile.",
            "docs": "https://docs.example.com/guide/errors.py",
        },
    )
    assert_error_envelope(fetch(400, body))


def test_rfc9457_problem_details(fetch):
    problem_json = "application/problem+json"
    body = good_problem(code="RESOURCE_NOT_FOUND", balance=30)
    response = fetch(404, body, content_type=problem_json)
    assert assert_error_envelope(response, schema="rfc9457") == body
    wrong = good_problem(status=400, title="", code="VALIDATION_FAILED")
    del wrong["type"]
    assert problems(fetch(404, wrong, content_type=problem_json), schema="rfc9457") == [
        "type is missing",
        "title '' must be a non-empty string",
        "status 400 does not match the HTTP status 404",
        "code 'VALIDATION_FAILED' does not match HTTP 404 (expected prefix RESOURCE_ or HTTP_404)",
    ]
    assert problems(fetch(404, good_problem()), schema="rfc9457") == [
        "Content-Type 'application/json' is not application/problem+json"
    ]


def test_a_schema_object_can_carry_its_own_catalog(fetch):
    catalog = DEFAULT_CATALOG.extended({"PAYMENT_": 402})
    schema = STANDARD.allowing(["docs_url"])
    body = good_envelope(code="PAYMENT_DECLINED", docs_url="https://example.com/payments")
    from dataclasses import replace

    assert_error_envelope(fetch(402, body), schema=replace(schema, catalog=catalog))
    assert problems(fetch(402, body)) == [
        "code 'PAYMENT_DECLINED' has no prefix from the catalog (expected prefix TOKEN_ or HTTP_402)",
        "docs_url 'https://example.com/payments' is not a field of the standard envelope "
        "(status, code, message, details, request_id, timestamp)",
    ]


def test_an_unknown_schema_name_and_a_non_response_are_usage_errors(fetch):
    with pytest.raises(ValueError, match="unknown envelope schema 'jsonapi'"):
        assert_error_envelope(fetch(404, good_envelope()), schema="jsonapi")
    with pytest.raises(TypeError, match=r"expected an HTTP response .* got builtins\.dict"):
        assert_error_envelope(good_envelope())


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient` is deprecated")
def test_starlette_test_client_responses():
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    async def missing(request):
        headers = {"X-Request-ID": REQUEST_ID}
        return JSONResponse(good_envelope(), status_code=404, headers=headers)

    app = Starlette(routes=[Route("/orders/12", missing)])
    with TestClient(app) as client:
        assert assert_error_envelope(client.get("/orders/12"), status=404)["code"] == (
            "RESOURCE_NOT_FOUND"
        )
        assert problems(client.get("/nowhere")) == [
            "body 'Not Found' is not JSON (Expecting value)"
        ]
        with pytest.raises(AssertionError, match=r"response: HTTP 405 to POST http://testserver/"):
            assert_error_envelope(client.post("/orders/12"))


def test_flask_test_client_responses():
    from flask import Flask

    app = Flask(__name__)

    @app.get("/orders/12")
    def missing():
        return good_envelope(), 404, {"X-Request-ID": REQUEST_ID}

    client = app.test_client()
    assert assert_error_envelope(client.get("/orders/12"), status=404)["message"] == (
        "Order 12 not found"
    )
    [problem] = problems(client.get("/nowhere"))
    assert problem.startswith("body '<!doctype html> <html lang=en> <title>404 Not Found</title>")
    assert problem.endswith(
        "is an HTML page, not a JSON envelope (did the error bypass your handler?)"
    )


def test_allowed_extra_fields_are_scanned_for_leaks(fetch):
    body = good_envelope(debug='Traceback (most recent call last):\n  File "/app/x.py", line 3')
    assert problems(fetch(404, body), schema=STANDARD.allowing(["debug"])) == [
        "debug 'Traceback (most recent call last):' leaks a Python traceback"
    ]
