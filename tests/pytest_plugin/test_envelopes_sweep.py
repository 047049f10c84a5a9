"""The sweep with Starlette and Flask clients, and sample URLs for regex routes.

The Django sweep (URLconf walk, converters, includes, DRF) runs in test_envelopes_django.py.
"""

from __future__ import annotations

import pytest

from errguard.envelopes.routes import SAMPLES, fill_regex
from errguard.testing import EnvelopeAssertionError, sweep_error_envelopes
from tests.pytest_plugin.envelope_helpers import good_envelope

UUID = SAMPLES[2]
STARLETTE_WARNING = "ignore:Using `httpx` with `starlette.testclient` is deprecated"


@pytest.mark.parametrize(
    ("regex", "url"),
    [
        (r"^orders/$", "orders/"),
        (r"^orders/(?P<pk>[0-9]+)/$", "orders/1/"),
        (r"^orders/(?P<pk>\d+)/\Z", "orders/1/"),
        (r"^products/(?P<pk>[^/.]+)/$", "products/x/"),
        (r"^products\.(?P<format>[a-z0-9]+)/?$", "products.x"),
        (r"^archive/(?P<year>[0-9]{4})/$", "archive/2024/"),
        (r"^tokens/(?P<token>[0-9a-f-]{36})/$", f"tokens/{UUID}/"),
        (r"^pages/(\d+)/$", "pages/1/"),
        (r"^v1/", "v1/"),
    ],
)
def test_simple_regex_routes_get_a_sample_url(regex, url):
    assert fill_regex(regex) == url


@pytest.mark.parametrize(
    "regex",
    [
        r"^(?:old|new)/$",
        r"^old|new$",
        r"^pages/(?P<n>\d+)?/$",
        r"^codes/(?P<code>[A-Z]{3})/$",
        r"^[ab]/$",
        r"^(?=x)x/$",
        r"^files/\w+/$",
    ],
)
def test_regexes_that_cannot_be_filled_are_left_alone(regex):
    assert fill_regex(regex) is None


def starlette_client(*, covered, **options):
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    def envelope(status, code, headers=None):
        return JSONResponse(
            good_envelope(code=code, request_id="req-s"),
            status,
            headers,
            media_type="application/json",
        )

    async def order(request):
        return JSONResponse({"id": request.path_params["pk"]})

    async def create(request):
        try:
            await request.json()
        except ValueError:
            if covered:
                return envelope(400, "VALIDATION_MALFORMED_JSON")
            raise
        return JSONResponse({"id": 2}, 201)

    async def http_error(request, exc: HTTPException):
        return envelope(exc.status_code, f"HTTP_{exc.status_code}", exc.headers)

    app = Starlette(
        routes=[
            Route("/orders/{pk:int}", order, methods=["GET"]),
            Route("/orders", create, methods=["POST"]),
        ],
        exception_handlers={HTTPException: http_error} if covered else {},
    )
    return TestClient(app, **options)


URLS = ["/orders/1", "/orders"]


@pytest.mark.filterwarnings(STARLETTE_WARNING)
def test_a_covered_starlette_app_passes():
    with starlette_client(covered=True) as client:
        report = sweep_error_envelopes(client, URLS)
    assert [str(result) for result in report.results] == [
        "GET /orders/1/__errguard_missing__/ (unknown sub-path) -> HTTP 404",
        "OPTIONS /orders/1 (wrong method) -> HTTP 405",
        "GET /orders/__errguard_missing__/ (unknown sub-path) -> HTTP 404",
        "OPTIONS /orders (wrong method) -> HTTP 405",
        "POST /orders (malformed JSON) -> HTTP 400",
    ]
    assert not report.failures
    assert report.skipped == ()


@pytest.mark.filterwarnings(STARLETTE_WARNING)
def test_a_starlette_app_without_handlers_fails_with_every_path_listed():
    with (
        starlette_client(covered=False, raise_server_exceptions=False) as client,
        pytest.raises(EnvelopeAssertionError) as caught,
    ):
        sweep_error_envelopes(client, URLS)
    assert str(caught.value).splitlines() == [
        "error envelope sweep: 5 of 5 error responses are not envelopes (2 routes probed):",
        "  - GET /orders/1/__errguard_missing__/ (unknown sub-path) -> HTTP 404:",
        "      - body 'Not Found' is not JSON (Expecting value)",
        "  - OPTIONS /orders/1 (wrong method) -> HTTP 405:",
        "      - body 'Method Not Allowed' is not JSON (Expecting value)",
        "  - GET /orders/__errguard_missing__/ (unknown sub-path) -> HTTP 404:",
        "      - body 'Not Found' is not JSON (Expecting value)",
        "  - OPTIONS /orders (wrong method) -> HTTP 405:",
        "      - body 'Method Not Allowed' is not JSON (Expecting value)",
        "  - POST /orders (malformed JSON) -> HTTP 500:",
        "      - body 'Internal Server Error' is not JSON (Expecting value)",
    ]


@pytest.mark.filterwarnings(STARLETTE_WARNING)
def test_a_server_error_raised_through_the_client_is_a_failure():
    with (
        starlette_client(covered=False) as client,
        pytest.raises(EnvelopeAssertionError) as caught,
    ):
        sweep_error_envelopes(client, URLS, exclude=["/orders/*"])
    assert str(caught.value).splitlines()[-4:] == [
        "  - POST /orders (malformed JSON) -> no response:",
        "      - request raised JSONDecodeError('Unterminated string starting at: line 1 column 2 "
        "(char 1)') instead of returning an error response",
        "skipped (1):",
        "  - /orders/1: excluded",
    ]


def test_a_covered_flask_app_passes_and_allowed_methods_come_from_options():
    from flask import Flask, request

    app = Flask(__name__)

    @app.post("/orders")
    def create():
        request.get_json()
        return {"id": 2}, 201

    @app.errorhandler(400)
    @app.errorhandler(404)
    @app.errorhandler(405)
    def http_error(error):
        prefix = {400: "VALIDATION_", 404: "RESOURCE_"}.get(error.code, "HTTP_")
        code = f"{prefix}{error.code if prefix == 'HTTP_' else 'ERROR'}"
        headers = dict(error.get_headers())
        headers["Content-Type"] = "application/json"
        return good_envelope(code=code), error.code, headers

    report = sweep_error_envelopes(app.test_client(), ["/orders"])
    assert [(result.kind, result.method, result.status) for result in report.results] == [
        ("unknown sub-path", "GET", 404),
        ("wrong method", "DELETE", 405),
        ("malformed JSON", "POST", 400),
    ]


def test_usage_errors():
    from flask import Flask

    client = Flask(__name__).test_client()
    with pytest.raises(TypeError, match=r"expected a test client .* got builtins\.object"):
        sweep_error_envelopes(object(), ["/orders"])
    with pytest.raises(TypeError, match="pass urls="):
        sweep_error_envelopes(client)
    with pytest.raises(EnvelopeAssertionError) as caught:
        sweep_error_envelopes(client, ["/admin/"], exclude=["/admin/*"])
    assert str(caught.value).splitlines() == [
        "error envelope sweep: 0 of 0 error responses are not envelopes (0 routes probed):",
        "skipped (1):",
        "  - /admin/: excluded",
        "error envelope sweep found no routes to probe",
    ]
