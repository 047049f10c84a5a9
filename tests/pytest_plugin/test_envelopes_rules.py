"""The pieces behind the checks: RFC 3339 timestamps, the catalog, configuration merging."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from errguard.config import ConfigError
from errguard.envelopes.catalog import DEFAULT_CATALOG, Catalog
from errguard.envelopes.config import from_sources
from errguard.envelopes.fields import retry_after_problem, timestamp_problem
from errguard.envelopes.problems import Problem, show
from errguard.envelopes.schema import RFC9457, STANDARD

UTC_DATETIMES = st.datetimes(timezones=st.just(timezone.utc))


@given(UTC_DATETIMES)
def test_every_utc_datetime_in_isoformat_or_with_z_is_valid(moment):
    assert timestamp_problem(moment.isoformat()) is None
    assert timestamp_problem(moment.isoformat().replace("+00:00", "Z")) is None


@given(st.datetimes())
def test_every_naive_datetime_has_no_offset(moment):
    assert timestamp_problem(moment.isoformat()) == (
        "has no UTC offset (RFC 3339 needs Z or +00:00)"
    )


@given(UTC_DATETIMES, st.integers(min_value=-23 * 60, max_value=23 * 60).filter(bool))
def test_every_other_offset_is_not_utc(moment, minutes):
    local = moment.astimezone(timezone(timedelta(minutes=minutes))).isoformat()
    assert timestamp_problem(local) == f"is not in UTC (offset {local[-6:]}; use Z or +00:00)"


@pytest.mark.parametrize(
    "value",
    [
        "2024-01-01T10:00:00.1Z",  # one fraction digit: RFC 3339 allows any number
        "2024-01-01T10:00:00.1234567890+00:00",
        "2016-12-31T23:59:60Z",  # a leap second
    ],
)
def test_rfc3339_forms_fromisoformat_alone_would_reject(value):
    assert timestamp_problem(value) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2024-13-01T10:00:00Z", "is not a valid date-time (month must be in 1..12)"),
        ("2024-01-01T24:00:00Z", "is not a valid date-time (hour must be in 0..23)"),
        ("2024-01-01", "is not an RFC 3339 date-time (like '2024-01-01T10:00:00Z')"),
        ("2024-01-01T10:00Z", "is not an RFC 3339 date-time (like '2024-01-01T10:00:00Z')"),
        ("20240101T100000Z", "is not an RFC 3339 date-time (like '2024-01-01T10:00:00Z')"),
        (" 2024-01-01T10:00:00Z", "is not an RFC 3339 date-time (like '2024-01-01T10:00:00Z')"),
    ],
)
def test_invalid_timestamps(value, problem):
    assert timestamp_problem(value) == problem


def test_retry_after_takes_seconds_or_an_http_date():
    assert retry_after_problem("0") is None
    assert retry_after_problem("Wed, 21 Oct 2015 07:28:00 GMT") is None
    assert retry_after_problem("-1") == "is neither a number of seconds nor an HTTP date"
    assert retry_after_problem("in a minute") == "is neither a number of seconds nor an HTTP date"


def test_the_longest_catalog_prefix_decides_and_a_prefix_may_have_several_statuses():
    catalog = DEFAULT_CATALOG.extended({"AUTH_MFA_": 403, "VALIDATION_": [400, 422]})
    assert catalog.mismatch("AUTH_MFA_REQUIRED", 403) is None
    assert catalog.mismatch("AUTH_EXPIRED", 401) is None
    assert catalog.mismatch("AUTH_EXPIRED", 403) == (
        "does not match HTTP 403 (expected prefix FORBIDDEN_, AUTH_MFA_ or HTTP_403)"
    )
    assert catalog.mismatch("VALIDATION_FAILED", 422) is None
    assert catalog.expected_prefixes(422) == ["VALIDATION_", "AI_", "HTTP_422"]


def test_without_framework_codes_http_codes_need_a_catalog_entry():
    catalog = Catalog.from_mapping({"RESOURCE_": 404}, framework_codes=False)
    assert catalog.mismatch("HTTP_404", 404) == (
        "has no prefix from the catalog (expected prefix RESOURCE_)"
    )
    assert catalog.mismatch("RESOURCE_GONE", 410) == (
        "does not match HTTP 410 (the catalog has no prefix for HTTP 410)"
    )


def test_ini_values_override_the_pyproject_table():
    table = {"schema": "rfc9457", "extend-catalog": {"PAYMENT_": 402}, "extra-fields": ["a"]}
    ini = {"schema": "standard", "extend-catalog": ["REFUND_ = 409, 422"]}
    config = from_sources(table, "pyproject.toml: [tool.errguard.envelope]", ini)
    assert config.schema is STANDARD
    assert config.catalog.as_dict()["REFUND_"] == (409, 422)
    assert "PAYMENT_" not in config.catalog.as_dict()
    assert config.rules().schema.extra_fields == ("a",)
    assert config.rules("rfc9457").schema is RFC9457  # extensions are allowed there anyway


def test_an_empty_configuration_is_the_default():
    config = from_sources({}, "", {})
    assert config.schema is STANDARD
    assert config.catalog == DEFAULT_CATALOG
    assert config.request_id_header == "X-Request-ID"


def test_configuration_errors_name_the_key():
    with pytest.raises(ConfigError, match=r"^ini option errguard_envelope_framework_codes must"):
        from_sources({}, "", {"framework-codes": "yes"})
    with pytest.raises(ConfigError, match=r"catalog PAYMENT_: expected an HTTP status .* \[99\]"):
        from_sources({"catalog": {"PAYMENT_": [99]}}, "pyproject.toml:", {})


def test_values_are_shown_short_and_whole_problems_read_as_sentences():
    assert show("x" * 100) == repr("x" * 60)[:-1] + "…'"
    assert show({"a": "b" * 100}).endswith("…")
    assert str(Problem("code", "is missing")) == "code is missing"
    assert str(Problem("code", "must be a string", 12)) == "code 12 must be a string"
