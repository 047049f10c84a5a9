"""The pytest side: the error_envelope fixture, readable failures, ini and pyproject settings."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REPO

# An app whose answers the inner sessions check: a real Starlette app behind its TestClient.
APP = """
    import pytest
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from errguard.testing import assert_error_envelope

    ENVELOPE = {
        "status": "error",
        "code": "RESOURCE_NOT_FOUND",
        "message": "Order 12 not found",
        "details": {},
        "request_id": "req-1",
        "timestamp": "2024-01-01T10:00:00Z",
    }

    def answer(http_status, headers=None, content_type="application/json", body=None, **changes):
        async def endpoint(request):
            content = {**ENVELOPE, **changes} if body is None else body
            return JSONResponse(content, http_status, headers, media_type=content_type)
        return endpoint

    app = Starlette(routes=[
        Route("/missing", answer(404)),
        Route("/bad", answer(
            400, {"X-Request-ID": "req-2"}, code="RESOURCE_MISSING",
            timestamp="2024-01-01T10:00:00",
        )),
        Route("/payment", answer(402, code="PAYMENT_DECLINED")),
        Route("/leaky", answer(500, code="SYSTEM_DOWN", details={"key": "sk_test_4eC39HqLyjWDarjtT1zdp7dc"})),
        Route("/extra", answer(404, docs="https://example.com/errors")),
        Route("/problem", answer(404, None, "application/problem+json", {
            "type": "about:blank", "title": "Not Found", "status": 404, "detail": "Order 12 not found"
        })),
        Route("/limited", answer(429, code="RATE_LIMIT_EXCEEDED")),
        Route("/framework", answer(405, code="HTTP_405")),
        Route("/traced", answer(404, {"X-Trace-ID": "t-9"}, request_id="t-9")),
    ])
    client = TestClient(app)
"""


INNER_ARGS = ("-p", "no:cacheprovider", "-W", "ignore:Using `httpx` with `starlette.testclient`")


def run_inner(pytester, tests, *args):
    pytester.makepyfile(test_inner=textwrap.dedent(APP) + textwrap.dedent(tests))
    return pytester.runpytest(*INNER_ARGS, *args)


def test_the_fixture_returns_the_envelope_and_fails_readably(pytester):
    result = run_inner(
        pytester,
        """
        def test_valid(error_envelope):
            envelope = error_envelope(client.get("/missing"), status=404, code="RESOURCE_NOT_FOUND")
            assert envelope["message"] == "Order 12 not found"

        def test_invalid(error_envelope):
            error_envelope(client.get("/bad"), status=400)

        def test_plain_function_and_html():
            assert_error_envelope(client.get("/nowhere"))
        """,
    )
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ test_invalid _*",
            '>*error_envelope(client.get("/bad"), status=400)',
            "E*error envelope has 3 problems:",
            "E*  - code 'RESOURCE_MISSING' does not match HTTP 400 (expected prefix VALIDATION_ or HTTP_400)",
            "E*  - request_id 'req-1' does not match the X-Request-ID header 'req-2'",
            "E*  - timestamp '2024-01-01T10:00:00' has no UTC offset (RFC 3339 needs Z or +00:00)",
            "E*  response: HTTP 400 to GET http://testserver/bad (application/json)",
            "*_ test_plain_function_and_html _*",
            "E*error envelope has 1 problem:",
            "E*  - body 'Not Found' is not JSON (Expecting value)",
            "E*  response: HTTP 404 to GET http://testserver/nowhere (text/plain; charset=utf-8)",
        ]
    )
    # The traceback ends in the test: errguard's own frames are hidden.
    result.stdout.no_fnmatch_line("*errguard/envelopes/*")


def test_ini_options_extend_the_catalog_and_allow_leaks(pytester):
    pytester.makeini(
        """
        [pytest]
        errguard_envelope_extend_catalog =
            PAYMENT_ = 402
        errguard_envelope_allow_leaks =
            ^sk_test_
        errguard_envelope_extra_fields = docs
        errguard_envelope_require_retry_after = false
        errguard_envelope_request_id_header = X-Trace-ID
        """
    )
    result = run_inner(
        pytester,
        """
        import pytest

        @pytest.mark.parametrize("path", ["/payment", "/leaky", "/extra", "/limited", "/traced"])
        def test_allowed_by_configuration(error_envelope, path):
            error_envelope(client.get(path))

        def test_the_replaced_catalog_prefix_still_applies():
            assert_error_envelope(client.get("/bad"))
        """,
    )
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(["E*code 'RESOURCE_MISSING' does not match HTTP 400 *"])
    result.stdout.no_fnmatch_line("*request_id*")  # X-Request-ID is no longer the header


def test_ini_options_replace_the_catalog(pytester):
    pytester.makeini(
        """
        [pytest]
        errguard_envelope_catalog =
            RESOURCE_ = 404, 410
        errguard_envelope_framework_codes = false
        """
    )
    result = run_inner(
        pytester,
        """
        def test_payment():
            assert_error_envelope(client.get("/payment"))

        def test_framework_code():
            assert_error_envelope(client.get("/framework"))

        def test_missing():
            assert_error_envelope(client.get("/missing"))
        """,
    )
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "E*code 'PAYMENT_DECLINED' has no prefix from the catalog (the catalog has no prefix for HTTP 402)",
            "E*code 'HTTP_405' has no prefix from the catalog (the catalog has no prefix for HTTP 405)",
        ]
    )


def test_pyproject_settings_and_ini_options_override_them(pytester):
    pytester.makepyprojecttoml(
        """
        [tool.errguard.envelope]
        schema = "rfc9457"
        extend-catalog = { PAYMENT_ = [402] }
        allow-leak-fields = ["details.*"]
        allow-leak-kinds = ["sql"]
        """
    )
    result = run_inner(
        pytester,
        """
        def test_problem_details_by_default():
            assert_error_envelope(client.get("/problem"))

        def test_standard_on_request_with_pyproject_catalog_and_leak_fields(error_envelope):
            error_envelope(client.get("/payment"), schema="standard")
            error_envelope(client.get("/leaky"), schema="standard")
        """,
    )
    result.assert_outcomes(passed=2)

    pytester.makeini("[pytest]\nerrguard_envelope_schema = standard\n")
    result = pytester.runpytest(*INNER_ARGS, "-k", "problem_details")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["E*type 'about:blank' is not a field of the standard envelope*"])


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'schema = "jsonapi"',
            "*[tool.errguard.envelope] schema must be one of 'standard', 'rfc9457', got 'jsonapi'",
        ),
        (
            "catalog = { payment_ = 402 }",
            "*[tool.errguard.envelope] catalog prefix 'payment_' must be upper case, like 'PAYMENT_'",
        ),
        (
            'extend-catalog = { PAYMENT_ = "402" }',
            "*[tool.errguard.envelope] extend-catalog PAYMENT_: expected an HTTP status or a list "
            "of them, got '402'",
        ),
        (
            'allow-leaks = ["(unclosed"]',
            "*[tool.errguard.envelope] allow-leaks '(unclosed' is not a valid regex: *",
        ),
        (
            'allow-leak-kinds = ["secrets"]',
            "*[tool.errguard.envelope] allow-leak-kinds 'secrets' is not one of traceback, source-path, sql, "
            "exception-repr, secret",
        ),
        (
            "request-id-header = 1",
            "*[tool.errguard.envelope] request-id-header must be a str, got 1",
        ),
        ("catalogue = {}", "*[tool.errguard.envelope] unknown key 'catalogue' (known: schema, *"),
    ],
)
def test_invalid_pyproject_settings_are_usage_errors(pytester, table, message):
    pytester.makepyprojecttoml(f"[tool.errguard.envelope]\n{table}\n")
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest(*INNER_ARGS)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    pattern = message.replace("[", "[[]")  # a literal bracket, for fnmatch
    result.stderr.fnmatch_lines([f"ERROR: *pyproject.toml: {pattern.lstrip('*')}"])


def test_an_invalid_ini_catalog_line_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\nerrguard_envelope_catalog =\n    PAYMENT_ 402\n")
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest(*INNER_ARGS)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: ini option errguard_envelope_catalog: 'PAYMENT_ 402' is not a catalog line "
            "like 'PREFIX_ = 400'"
        ]
    )


def test_outside_pytest_the_nearest_pyproject_applies(pytester):
    pytester.makepyprojecttoml("[tool.errguard.envelope]\nextend-catalog = { PAYMENT_ = 402 }\n")
    script = textwrap.dedent(APP) + textwrap.dedent(
        """
        print(assert_error_envelope(client.get("/payment"))["code"])
        """
    )
    result = pytester.run(sys.executable, "-c", script)
    assert result.ret == 0, result.stderr.str()
    assert result.stdout.lines[-1] == "PAYMENT_DECLINED"


BLOCKED = (
    "django",
    "rest_framework",
    "requests",
    "httpx",
    "httpx2",
    "starlette",
    "flask",
    "werkzeug",
)


def test_errguard_testing_imports_no_web_framework():
    code = textwrap.dedent(
        f"""
        import importlib.abc, sys

        class Blocker(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {BLOCKED!r}:
                    raise ImportError(f"blocked: {{name}}")

        sys.meta_path.insert(0, Blocker())
        import errguard.testing
        import errguard.pytest_plugin.envelopes
        from errguard.testing import assert_error_envelope, sweep_error_envelopes
        loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({BLOCKED!r}))
        print("loaded:", loaded)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "loaded: []"
