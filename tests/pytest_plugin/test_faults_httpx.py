"""faults.http beneath httpx (httpcore's sync backend, and anyio/asyncio for the async client),
against a real server on 127.0.0.1: ``HTTPTransport(retries=...)`` really retries."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from errguard.faults import Faults
from tests.pytest_plugin.faults_helpers import CountingServer, offline


@pytest.fixture
def server():
    with CountingServer() as running:
        yield running


def client(retries: int = 0, timeout: float = 2.0) -> httpx.Client:
    return httpx.Client(
        transport=httpx.HTTPTransport(retries=retries), timeout=timeout, trust_env=False
    )


def async_client(retries: int = 0, timeout: float = 2.0) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.AsyncHTTPTransport(retries=retries), timeout=timeout, trust_env=False
    )


def test_http_transport_retries_through_refused_connections(faults, server):
    refused = faults.http(server.origin, error="connect", times=2)

    with client(retries=2) as http:
        response = http.get(server.url("/quote"))

    assert response.status_code == 200
    assert refused.hits == 2
    assert server.paths == ["/quote"]


def test_http_transport_gives_up_after_its_retries(faults, server):
    faults.http(server.origin, error="connect", times=2)

    with client(retries=1) as http, pytest.raises(httpx.ConnectError):
        http.get(server.url("/quote"))
    assert server.paths == []


def test_status_is_a_real_response_httpx_does_not_retry(faults, server):
    unavailable = faults.http(server.url("/quote"), status=503, times=1)

    with client(retries=3) as http:
        first, second = http.get(server.url("/quote")), http.get(server.url("/quote"))

    assert (first.status_code, second.status_code) == (503, 200)
    assert first.headers["x-errguard-fault"] == "injected"
    assert unavailable.requests[0].header("user-agent").startswith("python-httpx/")
    assert server.paths == ["/quote"]


def test_timeout_is_httpx_read_timeout(faults, server):
    faults.http(server.url("/quote"), error="timeout")

    with client(timeout=0.3) as http, pytest.raises(httpx.ReadTimeout):
        http.get(server.url("/quote"))

    assert server.paths == []


def test_delay_beyond_the_timeout_raises_the_clients_timeout(faults, server):
    slow = faults.http(server.url("/quote"), delay=2.0)

    # Had the client waited out the delay, the real server's answer would have come back.
    with client(timeout=0.2) as http, pytest.raises(httpx.TimeoutException):
        http.get(server.url("/quote"))

    assert slow.hits == 1


def test_malformed_body_and_reset(faults, server):
    faults.http(server.url("/garbled"), body=b"<html>oops")
    faults.http(server.url("/broken"), error="reset")

    with client() as http:
        garbled = http.get(server.url("/garbled"))
        with pytest.raises(json.JSONDecodeError):
            garbled.json()
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            http.get(server.url("/broken"))
        assert http.get(server.url("/fine")).json()["path"] == "/fine"


def test_async_transport_retries_through_refused_connections(faults, server):
    refused = faults.http(server.origin, error="connect", times=2)

    async def fetch():
        async with async_client(retries=2) as http:
            return await http.get(server.url("/quote"))

    assert asyncio.run(fetch()).status_code == 200
    assert refused.hits == 2
    assert server.paths == ["/quote"]


def test_async_client_meets_status_timeout_and_pass_through(faults, server):
    faults.http(server.url("/down"), status=502)
    faults.http(server.url("/stuck"), error="timeout")

    async def scenario():
        async with async_client(timeout=0.3) as http:
            down = await http.get(server.url("/down"))
            with pytest.raises(httpx.ReadTimeout):
                await http.get(server.url("/stuck"))
            up = await http.get(server.url("/up"))
            return down.status_code, up.status_code

    assert asyncio.run(scenario()) == (502, 200)
    assert server.paths == ["/up"]


def test_async_client_with_a_made_up_host_name():
    async def fetch():
        async with async_client() as http:
            return await http.get("http://rates.internal.test/eur")

    with offline(), Faults() as faults:
        faults.http("http://rates.internal.test/", status=503)
        assert asyncio.run(fetch()).status_code == 503


INNER_HTTPX = """
import httpx


def test_an_httpx_request(server_url):
    assert httpx.get(server_url, timeout=2).status_code == 200
"""


def test_httpx_still_maps_its_errors_after_an_in_process_run_used_it(pytester, faults, server):
    # The order that broke this module: an in-process session used httpx first (the network
    # guard's tests do), and its httpcore was dropped from sys.modules when it ended.
    pytester.makeconftest(
        f"import pytest\n\n@pytest.fixture\ndef server_url():\n    return {server.url('/')!r}\n"
    )
    pytester.makepyfile(test_inner=INNER_HTTPX)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)

    faults.http(server.origin, error="connect")
    with client() as http, pytest.raises(httpx.ConnectError):
        http.get(server.url("/quote"))
