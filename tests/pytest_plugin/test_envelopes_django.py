"""Django, DRF and the sweep, in real pytest sessions (pytester, in a subprocess: Django can be
configured once per process) against the project in ``envelope_django_*.py``."""

from __future__ import annotations

import textwrap

import pytest

from tests.conftest import REPO

LEAKY = "tests.pytest_plugin.envelope_django_urls_leaky"


@pytest.fixture
def django_session(pytester, monkeypatch):
    """Run ``tests`` in a subprocess pytest session with pytest-django and the test project."""
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.pytest_plugin.envelope_django_settings")

    def run(tests):
        pytester.makepyfile(test_inner=textwrap.dedent(tests))
        return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "django")

    return run


RESPONSES = f"""
    import json

    import pytest
    from django.http import JsonResponse, StreamingHttpResponse
    from rest_framework.response import Response
    from rest_framework.test import APIClient

    from errguard.testing import assert_error_envelope

    GOOD = {{
        "status": "error",
        "code": "VALIDATION_FAILED",
        "message": "Email is required",
        "details": {{"email": ["This field is required."]}},
        "request_id": "req-1",
        "timestamp": "2024-01-01T10:00:00+00:00",
    }}

    def test_django_client_view_envelope(client):
        response = client.get("/orders/7/", headers={{"X-Request-ID": "req-7"}})
        envelope = assert_error_envelope(response, status=404, code="RESOURCE_NOT_FOUND")
        assert envelope["request_id"] == "req-7"
        assert envelope["message"] == "Order 7 not found."

    def test_django_handler404_and_405_envelopes(client, error_envelope):
        assert error_envelope(client.get("/nowhere/"), status=404)["code"] == "RESOURCE_NOT_FOUND"
        assert error_envelope(client.delete("/orders/"), status=405)["code"] == "HTTP_405"

    def test_drf_api_client_envelopes():
        client = APIClient()
        malformed = client.post("/api/products/", '{{"unterminated', content_type="application/json")
        assert assert_error_envelope(malformed, status=400)["code"] == "VALIDATION_MALFORMED_JSON"
        missing = client.get("/api/products/9/")
        assert assert_error_envelope(missing, status=404)["message"] == "Product 9 not found."

    def test_responses_built_by_hand():
        assert assert_error_envelope(JsonResponse(GOOD, status=400)) == GOOD
        assert assert_error_envelope(Response(GOOD, status=400)) == GOOD
        body = json.dumps(GOOD).encode()
        chunks = iter([body[:10], body[10:]])
        streamed = StreamingHttpResponse(chunks, status=400, content_type="application/json")
        assert assert_error_envelope(streamed) == GOOD

    @pytest.mark.urls("{LEAKY}")
    def test_fails_on_django_html_404(client):
        assert_error_envelope(client.get("/nowhere/"), status=404)

    @pytest.mark.urls("{LEAKY}")
    def test_fails_on_empty_405(client):
        assert_error_envelope(client.post("/legacy/1/"))

    def test_fails_on_drf_default_error_body():
        assert_error_envelope(Response({{"email": ["This field is required."]}}, status=400))

    def test_fails_on_leaks_in_a_drf_response():
        details = {{"error": "IntegrityError('UNIQUE constraint failed: shop_order.number')"}}
        assert_error_envelope(Response({{**GOOD, "details": details}}, status=400))
"""


def test_django_and_drf_responses(django_session):
    result = django_session(RESPONSES)
    result.assert_outcomes(passed=4, failed=4)
    result.stdout.fnmatch_lines(
        [
            "*_ test_fails_on_django_html_404 _*",
            "E*error envelope has 1 problem:",
            "E*  - body '<!doctype html> <html lang=\"en\"> <head> <title>Not Found</ti…' is an "
            "HTML page, not a JSON envelope (did the error bypass your handler?)",
            "E*  response: HTTP 404 to GET /nowhere/ (text/html; charset=utf-8)",
            "*_ test_fails_on_empty_405 _*",
            "E*  - body is empty (an error response needs a JSON envelope)",
            "E*  response: HTTP 405 to POST /legacy/1/ (text/html; charset=utf-8)",
            "*_ test_fails_on_drf_default_error_body _*",
            "E*error envelope has 7 problems:",
            "E*  - status is missing",
            "E*  - timestamp is missing",
            "E*  - email [[]'This field is required.'] is not a field of the standard envelope *",
            "E*  response: HTTP 400 (application/json)",
            "*_ test_fails_on_leaks_in_a_drf_response _*",
            'E*  - details.error "IntegrityError(\'UNIQUE constraint failed: shop_order.*…" leaks '
            "an exception repr",
        ]
    )


SWEEPS = f"""
    import pytest
    from rest_framework.test import APIClient

    from errguard.testing import sweep_error_envelopes

    def test_every_path_of_the_covered_project_is_an_envelope(client):
        report = sweep_error_envelopes(client)
        assert report.routes == 8
        assert len(report.error_responses) == 19
        assert {{(r.method, r.url) for r in report.results if r.kind == "wrong method"}} == {{
            ("DELETE", "/orders/"),
            ("OPTIONS", "/orders/new/"),
            ("OPTIONS", "/orders/1/"),
            ("OPTIONS", "/shops/x/items/6ba7b810-9dad-11d1-80b4-00c04fd430c8/"),
            ("OPTIONS", "/archive/2024/"),
            ("DELETE", "/api/products/"),
            ("DELETE", "/api/products/x/"),
            ("DELETE", "/api/ping/"),
        }}
        assert [str(skip) for skip in report.skipped] == [
            "^(?:old|older)/stuff/$: cannot build a sample URL for this regex"
        ]
        assert client.raise_request_exception is True  # restored after the sweep

    def test_given_urls_with_the_fixture_and_drf_client(error_envelope):
        report = error_envelope.sweep(APIClient(), urls=["/api/products/", "/orders/1/"])
        assert [(r.kind, r.method, r.status) for r in report.results] == [
            ("unknown sub-path", "GET", 404),
            ("wrong method", "DELETE", 405),
            ("malformed JSON", "POST", 400),
            ("unknown sub-path", "GET", 404),
            ("wrong method", "OPTIONS", 405),
        ]

    @pytest.mark.urls("{LEAKY}")
    def test_the_sweep_finds_paths_that_bypass_the_envelope(client):
        sweep_error_envelopes(client)
"""


def test_the_sweep_passes_a_covered_project_and_fails_a_leaky_one(django_session):
    result = django_session(SWEEPS)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_the_sweep_finds_paths_that_bypass_the_envelope _*",
            "E*error envelope sweep: 6 of 7 error responses are not envelopes (3 routes probed):",
            "E*  - GET /orders/1/__errguard_missing__/ (unknown sub-path) -> HTTP 404:",
            "E*      - body '<!doctype html>*is an HTML page, not a JSON envelope (did the error "
            "bypass your handler?)",
            "E*  - GET /legacy/1/__errguard_missing__/ (unknown sub-path) -> HTTP 404:",
            "E*  - OPTIONS /legacy/1/ (wrong method) -> HTTP 405:",
            "E*      - body is empty (an error response needs a JSON envelope)",
            "E*  - GET /import/__errguard_missing__/ (unknown sub-path) -> HTTP 404:",
            "E*  - OPTIONS /import/ (OPTIONS request) -> HTTP 500:",
            "E*  - POST /import/ (malformed JSON) -> HTTP 500:",
            "E*      - body '<!doctype html>*<title>Server Error *is an HTML page*",
            "E*skipped (1):",
            "E*  - /import/: cannot tell which methods it allows (no Allow header); wrong method "
            "not probed",
        ]
    )
