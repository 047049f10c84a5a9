"""fault_plans(): Hypothesis draws fault schedules and shrinks a failure to the smallest one."""

from __future__ import annotations

import re

import pytest
from hypothesis import find
from hypothesis.errors import NoSuchExample

from errguard.faults import CallFault, FaultPlan, Faults, HttpFault, PlannedFault
from errguard.strategies import fault_plans
from tests.pytest_plugin import faults_helpers

HELPERS = "tests.pytest_plugin.faults_helpers"

PROPERTY_TESTS = """
import pytest
from hypothesis import given, settings, strategies as st

from errguard.strategies import fault_plans
from tests.pytest_plugin import faults_service as service
from tests.pytest_plugin.faults_helpers import CountingServer

CACHE = "tests.pytest_plugin.faults_service.cached_quote"


@pytest.fixture(scope="module")
def api():
    with CountingServer() as server:
        yield server


def answers_under_a_drawn_plan(api, data, broken_fallback):
    plan = data.draw(fault_plans(http=[api.url("/quotes/")], calls=[CACHE]), label="plan")
    quotes = service.QuoteService(
        service.QuotesClient(api.origin),
        service.CircuitBreaker(failure_threshold=2),
        broken_fallback=broken_fallback,
    )
    with plan.inject():
        return [service.handle(quotes, "ACME") for _ in range(3)]


def assert_200_or_integration_502(answers):
    for status, body in answers:
        assert status != 500, body["traceback"]
        assert status == 200 or (
            status == 502 and body["error"]["code"].startswith("INTEGRATION_")
        ), (status, body)


@settings(max_examples=40, deadline=None, database=None)
@given(data=st.data())
def test_the_api_never_answers_500(api, data):
    assert_200_or_integration_502(answers_under_a_drawn_plan(api, data, broken_fallback=False))


@settings(max_examples=40, deadline=None, database=None)
@given(data=st.data())
def test_the_api_never_answers_500_with_a_broken_fallback(api, data):
    assert_200_or_integration_502(answers_under_a_drawn_plan(api, data, broken_fallback=True))
"""


def test_hypothesis_shrinks_a_broken_fallback_to_the_smallest_fault_schedule(pytester):
    pytester.makepyfile(test_quotes=PROPERTY_TESTS)

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    assert re.search(
        r"(Falsifying example|Failing test case): "
        r"test_the_api_never_answers_500_with_a_broken_fallback\(",
        output,
    ), output
    plan = re.search(r"Draw 1 \(plan\): (FaultPlan\(.*\))$", output, re.MULTILINE)
    assert plan is not None, output
    # Nothing less breaks the broken fallback than the API failing (past urllib3's retries,
    # however it fails) while the cache behind the fallback fails too: that is the report.
    assert re.fullmatch(
        r"FaultPlan\(http\('http://127\.0\.0\.1:\d+(/quotes/)?', [^()]*\), "
        r"call\('tests\.pytest_plugin\.faults_service\.cached_quote', "
        r"raises=ConnectionError, times=1\)\)",
        plan.group(1),
    ), plan.group(1)
    assert "ConnectionError" in output  # the traceback the 500 would have sent


def test_plans_shrink_towards_fewer_and_simpler_faults():
    strategy = fault_plans(http=["http://api.test/v1/"], calls=[f"{HELPERS}.exchange_rate"])

    assert find(strategy, lambda plan: True) == FaultPlan()
    smallest_pair = find(strategy, lambda plan: len(plan) == 2)
    assert repr(smallest_pair) == (
        "FaultPlan(http('http://api.test', error='connect', times=1), "
        f"call('{HELPERS}.exchange_rate', raises=ConnectionError, times=1))"
    )


def test_plans_draw_every_kind_asked_for():
    strategy = fault_plans(
        http=["http://api.test/v1/"], http_kinds=["timeout", "delay"], delays=[0.25]
    )

    timeout = find(strategy, lambda plan: dict(plan.faults[0].options) if plan else False)
    delayed = find(strategy, lambda plan: bool(plan) and "delay" in dict(plan.faults[0].options))

    assert dict(timeout.faults[0].options) == {"error": "timeout", "times": 1}
    assert dict(delayed.faults[0].options) == {"delay": 0.25, "times": 1}


def test_https_urls_only_get_refused_connections():
    strategy = fault_plans(http=["https://api.test/v1/"])

    assert find(strategy, lambda plan: len(plan) == 1).faults[0].options[0] == (
        "error",
        "connect",
    )
    with pytest.raises(NoSuchExample):
        find(strategy, lambda plan: bool(plan) and plan.faults[0].options[0][0] != "error")


@pytest.mark.parametrize(
    ("options", "message"),
    [({}, "at least one external call"), ({"http": ["http://a/"], "http_kinds": ["x"]}, "unknown")],
)
def test_invalid_plans_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        fault_plans(**options)


def test_a_plan_applies_to_the_fixture_or_injects_itself():
    original = faults_helpers.exchange_rate
    plan = FaultPlan(
        (
            PlannedFault("http", "http://api.test/v1/", (("status", 503), ("times", 2))),
            PlannedFault("call", f"{HELPERS}.exchange_rate", (("returns", 0.5),)),
        )
    )

    with Faults() as faults:
        http, call = plan.apply(faults)
        assert isinstance(http, HttpFault)
        assert isinstance(call, CallFault)
        assert (http.status, http.times) == (503, 2)
        assert faults_helpers.exchange_rate("EUR") == 0.5
    with plan.inject() as injected:
        assert len(injected.handles) == 2
        assert faults_helpers.exchange_rate("EUR") == 0.5

    assert faults_helpers.exchange_rate is original
