"""faults.call: patch an importable callable by dotted path, restore it exactly."""

from __future__ import annotations

import asyncio
import threading

import pytest

from errguard.faults import Faults
from tests.pytest_plugin import faults_helpers
from tests.pytest_plugin.faults_helpers import (
    CachedRateClient,
    Elapsed,
    RateClient,
    rate_client,
    retry,
)

HELPERS = "tests.pytest_plugin.faults_helpers"


def test_a_retry_loop_survives_faults_that_stop_in_time(faults):
    flaky = faults.call(f"{HELPERS}.exchange_rate", raises=TimeoutError, times=2)

    rate = retry(lambda: faults_helpers.exchange_rate("EUR"), attempts=3, errors=TimeoutError)

    assert rate == 1.1
    assert flaky.hits == 2
    assert [call.faulted for call in flaky.calls] == [True, True, False]
    assert flaky.calls[0].args == ("EUR",)


def test_a_retry_loop_gives_up_when_the_fault_persists(faults):
    down = faults.call(f"{HELPERS}.exchange_rate", raises=ConnectionError("rates down"))

    with pytest.raises(ConnectionError, match="rates down"):
        retry(lambda: faults_helpers.exchange_rate("EUR"), attempts=3, errors=ConnectionError)
    assert down.hits == 3


def test_returns_replaces_the_result_even_with_none(faults):
    faults.call(f"{HELPERS}.exchange_rate", returns=None, times=1)

    assert faults_helpers.exchange_rate("GBP") is None
    assert faults_helpers.exchange_rate("GBP") == 1.3


def test_delay_alone_is_latency_before_the_real_call(faults):
    slow = faults.call(f"{HELPERS}.exchange_rate", delay=0.2)

    with Elapsed() as elapsed:
        assert faults_helpers.exchange_rate("EUR") == 1.1

    # A lower bound only: a sleep lasts at least its time however loaded the machine is.
    assert elapsed.seconds >= 0.2
    assert slow.hits == 1


def test_methods_classmethods_and_staticmethods_are_patched_and_restored_exactly():
    raw = {name: vars(RateClient)[name] for name in ("rate", "default_factor", "round_rate")}

    with Faults() as faults:
        faults.call(f"{HELPERS}.RateClient.rate", returns=99)
        faults.call(f"{HELPERS}.RateClient.default_factor", raises=LookupError)
        faults.call(f"{HELPERS}.RateClient.round_rate", returns=0.0)
        assert RateClient().rate("EUR") == 99
        assert CachedRateClient().rate("EUR") == 99
        with pytest.raises(LookupError):
            RateClient.default_factor()
        assert RateClient.round_rate(1.26) == 0.0
        assert isinstance(vars(RateClient)["default_factor"], classmethod)
        assert isinstance(vars(RateClient)["round_rate"], staticmethod)

    for name, original in raw.items():
        assert vars(RateClient)[name] is original
    assert RateClient().rate("EUR") == 2.2


def test_the_method_receives_self_and_an_inherited_method_is_deleted_again():
    with Faults() as faults:
        spied = faults.call(f"{HELPERS}.CachedRateClient.rate", delay=0)
        client = CachedRateClient()
        assert client.rate("GBP") == 2.6
        assert spied.calls[0].args == (client, "GBP")
        assert "rate" in vars(CachedRateClient)

    assert "rate" not in vars(CachedRateClient)


def test_an_instance_attribute_is_patched_on_the_instance():
    with Faults() as faults:
        faults.call(f"{HELPERS}.rate_client.rate", raises=TimeoutError, times=1)
        with pytest.raises(TimeoutError):
            rate_client.rate("EUR")
        assert rate_client.rate("EUR") == 2.2

    assert "rate" not in vars(rate_client)


def test_coroutine_functions_stay_coroutine_functions(faults):
    faults.call(f"{HELPERS}.async_exchange_rate", raises=TimeoutError, delay=0.05, times=1)

    with pytest.raises(TimeoutError):
        asyncio.run(faults_helpers.async_exchange_rate("EUR"))
    assert asyncio.run(faults_helpers.async_exchange_rate("EUR")) == 1.1


def test_overlapping_faults_on_one_target_restore_in_any_order():
    original = faults_helpers.exchange_rate
    outer, inner = Faults(), Faults()
    outer.call(f"{HELPERS}.exchange_rate", returns=1, times=1)
    inner.call(f"{HELPERS}.exchange_rate", returns=2)

    assert [faults_helpers.exchange_rate("EUR") for _ in range(3)] == [1, 2, 2]
    outer.close()  # not the last in, yet nothing is lost
    assert faults_helpers.exchange_rate("EUR") == 2
    inner.close()

    assert faults_helpers.exchange_rate is original


def test_times_is_exact_across_threads(faults):
    limited = faults.call(f"{HELPERS}.exchange_rate", raises=TimeoutError, times=25)
    failures = []

    def worker():
        for _ in range(20):
            try:
                faults_helpers.exchange_rate("EUR")
            except TimeoutError:
                failures.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(failures) == limited.hits == 25
    assert len(limited.calls) == 160


@pytest.mark.parametrize(
    ("target", "options", "error", "message"),
    [
        ("nothing_here.module.func", {"returns": 1}, ModuleNotFoundError, "no importable"),
        (f"{HELPERS}.missing", {"returns": 1}, AttributeError, "has no attribute 'missing'"),
        (f"{HELPERS}.RateClient.factor", {"returns": 1}, TypeError, "not callable"),
        (f"{HELPERS}.exchange_rate", {}, ValueError, "at least one of"),
        (f"{HELPERS}.exchange_rate", {"raises": 3}, TypeError, "exception class"),
        ("exchange_rate", {"returns": 1}, ValueError, "dotted path"),
    ],
)
def test_invalid_targets_are_refused(target, options, error, message):
    with Faults() as faults, pytest.raises(error, match=message):
        faults.call(target, **options)
