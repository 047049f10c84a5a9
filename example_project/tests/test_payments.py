"""The payment client's retries, timeout, circuit breaker and fallback, against a real local
gateway, with faults injected beneath requests/urllib3 by errguard."""

import time

import pytest

from shop import payments

pytestmark = pytest.mark.django_db


def test_charge(gateway, orders):
    payment = payments.charge(orders[0])
    assert (payment.status, payment.reference) == ("captured", "ch_1")
    assert gateway.received == [("/charges", {"order": orders[0].pk, "amount_cents": 300})]


def test_retries_through_two_503s(gateway, orders, faults):
    unavailable = faults.http(gateway.url, status=503, times=2)
    assert payments.charge(orders[0]).status == "captured"
    assert unavailable.hits == 2
    assert len(gateway.received) == 1  # only the third attempt reached the gateway


def test_refused_connection_falls_back_to_pending(gateway, orders, faults):
    refused = faults.http(gateway.url, error="connect")
    assert payments.charge(orders[0]).status == "pending"
    assert refused.hits == 3  # the first attempt and two retries
    assert gateway.received == []


def test_slow_gateway_times_out_quickly_and_falls_back(gateway, orders, faults):
    faults.http(gateway.url, delay=5)
    started = time.monotonic()
    assert payments.charge(orders[0]).status == "pending"
    assert time.monotonic() - started < 2


def test_breaker_opens_after_three_failures(gateway, orders, faults):
    down = faults.http(gateway.url, status=503)
    for order in orders[:3]:
        assert payments.charge(order).status == "pending"
    hits = down.hits
    assert payments.charge(orders[3]).status == "pending"
    assert down.hits == hits  # the open breaker did not call the gateway


def test_payment_failure_is_a_502_envelope(client, orders, error_envelope, faults):
    faults.call("shop.payments.charge", raises=RuntimeError("connection pool exhausted"))
    response = client.post(f"/api/orders/{orders[0].pk}/pay/")
    error_envelope(response, status=502, code="INTEGRATION_PAYMENT_FAILED")
