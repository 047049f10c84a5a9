"""faults.http beneath requests, urllib3, http.client and urllib.request, against a real server
on 127.0.0.1: the clients' own retry and timeout code runs."""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from errguard.faults import FaultedRequest, Faults
from tests.pytest_plugin.faults_helpers import CountingServer, offline


@pytest.fixture
def server():
    with CountingServer() as running:
        yield running


def session(retry: Retry | int = 0) -> requests.Session:
    client = requests.Session()
    client.trust_env = False  # no proxy from the environment between us and 127.0.0.1
    client.mount("http://", HTTPAdapter(max_retries=retry))
    return client


def pool(retries: Retry) -> urllib3.PoolManager:
    return urllib3.PoolManager(retries=retries)


# Refused connections ----------------------------------------------------------------------


def test_urllib3_retry_connect_retries_through_refused_connections(faults, server):
    refused = faults.http(server.origin, error="connect", times=2)

    response = pool(Retry(connect=2, backoff_factor=0)).request("GET", server.url("/quote"))

    assert response.status == 200
    assert refused.hits == 2
    assert server.paths == ["/quote"]  # only the final attempt reached the server
    assert refused.requests == [FaultedRequest(None, server.origin + "/")] * 2


def test_urllib3_gives_up_after_its_connect_retries(faults, server):
    faults.http(server.origin, error="connect")

    with pytest.raises(urllib3.exceptions.MaxRetryError) as raised:
        pool(Retry(connect=2, backoff_factor=0)).request("GET", server.url("/quote"))

    assert isinstance(raised.value.reason, urllib3.exceptions.NewConnectionError)
    assert isinstance(raised.value.reason.__cause__, ConnectionRefusedError)
    assert server.paths == []


def test_requests_sees_a_refused_connection_as_connection_error(faults, server):
    faults.http(server.origin + "/", error="connect", times=1)

    with pytest.raises(requests.exceptions.ConnectionError, match="Connection refused"):
        session().get(server.url("/a"), timeout=2)
    assert session().get(server.url("/b"), timeout=2).status_code == 200
    assert server.paths == ["/b"]


def test_https_origins_can_refuse_connections(faults, server):
    faults.http(f"https://127.0.0.1:{server.port}", error="connect")

    with pytest.raises(requests.exceptions.ConnectionError, match="Connection refused"):
        requests.get(f"https://127.0.0.1:{server.port}/", timeout=2)


def test_an_exception_is_raised_from_beneath_the_client(faults, server):
    faults.http(server.origin, error=RuntimeError("circuit test"), times=1)
    faults.http(server.origin, error=ConnectionAbortedError, times=1)

    with pytest.raises(RuntimeError, match="circuit test"):
        session().get(server.url("/"), timeout=2)
    with pytest.raises(requests.exceptions.ConnectionError) as raised:
        session().get(server.url("/"), timeout=2)
    new_connection_error = raised.value.args[0].reason
    assert isinstance(new_connection_error.__cause__, ConnectionAbortedError)
    assert server.paths == []


# Status codes ------------------------------------------------------------------------------


def test_urllib3_retry_status_forcelist_retries_injected_503s(faults, server):
    unavailable = faults.http(server.url("/quote"), status=503, times=2)
    retry = Retry(total=3, status_forcelist=[503], backoff_factor=0, allowed_methods=None)

    response = session(retry).post(server.url("/quote?symbol=ACME"), json={"n": 1}, timeout=2)

    assert response.status_code == 200
    assert unavailable.hits == 2
    assert server.requests == [("POST", "/quote?symbol=ACME", b'{"n": 1}')]
    first = unavailable.requests[0]
    assert (first.method, first.url, first.body) == (
        "POST",
        server.url("/quote?symbol=ACME"),
        b'{"n": 1}',
    )
    assert first.header("content-type") == "application/json"


def test_the_application_sees_the_status_as_from_a_server(faults, server):
    faults.http(server.url("/pay"), status=502)

    response = session().get(server.url("/pay"), timeout=2)

    assert response.status_code == 502
    assert response.reason == "Bad Gateway"
    assert response.headers["Connection"] == "close"
    with pytest.raises(requests.exceptions.HTTPError):
        response.raise_for_status()
    assert server.paths == []


def test_urllib3_retries_until_its_status_budget_runs_out(faults, server):
    always = faults.http(server.origin, status=503)

    response = session(Retry(total=2, status_forcelist=[503], raise_on_status=False)).get(
        server.url("/"), timeout=2
    )

    assert response.status_code == 503
    assert always.hits == 3
    assert server.paths == []


def test_chunked_request_bodies_are_recorded(faults, server):
    failing = faults.http(server.url("/upload"), status=500)

    session().post(server.url("/upload"), data=iter([b"part one, ", b"part two"]), timeout=2)

    assert failing.requests[0].header("transfer-encoding") == "chunked"
    assert failing.requests[0].body == b"part one, part two"


# Timeouts and latency ----------------------------------------------------------------------


def test_timeout_raises_the_clients_read_timeout(faults, server):
    faults.http(server.url("/slow"), error="timeout")

    with pytest.raises(requests.exceptions.ReadTimeout):
        session().get(server.url("/slow"), timeout=0.3)

    assert server.paths == []


def test_delay_shorter_than_the_timeout_is_latency(faults, server):
    slow = faults.http(server.url("/quote"), delay=0.5)

    # A client that waits less than the delay times out: the answer was held back.
    with pytest.raises(requests.exceptions.ReadTimeout):
        session().get(server.url("/quote"), timeout=0.1)
    response = session().get(server.url("/quote"), timeout=5)

    assert response.json() == {"path": "/quote", "price": 42}
    assert slow.hits == 2
    assert server.paths == ["/quote"]


def test_delay_beyond_the_timeout_raises_the_clients_timeout(faults, server):
    faults.http(server.url("/quote"), delay=1.5)

    # Had the client waited out the delay, the real server's answer would have come back.
    with pytest.raises(requests.exceptions.ReadTimeout):
        session().get(server.url("/quote"), timeout=0.2)

    time.sleep(1.5)  # past the delay: the abandoned request never reaches the server
    assert server.paths == []


def test_urllib3_retries_read_timeouts(faults, server):
    stuck = faults.http(server.url("/quote"), error="timeout", times=2)

    response = pool(Retry(read=2, backoff_factor=0)).request(
        "GET", server.url("/quote"), timeout=urllib3.Timeout(read=0.2)
    )

    assert response.status == 200
    assert stuck.hits == 2
    assert server.paths == ["/quote"]


# Malformed bodies and resets ---------------------------------------------------------------


def test_malformed_body_is_a_200_the_client_cannot_parse(faults, server):
    faults.http(server.url("/quote"), body=b'{"price": ')

    response = session().get(server.url("/quote"), timeout=2)

    assert response.status_code == 200
    assert response.content == b'{"price": '
    with pytest.raises(requests.exceptions.JSONDecodeError):
        response.json()


def test_reset_breaks_the_response_midway(faults, server):
    faults.http(server.url("/quote"), error="reset")

    with pytest.raises(
        (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError),
        match="reset",
    ):
        session().get(server.url("/quote"), timeout=2)
    assert server.paths == []


def test_urllib3_retries_reset_connections(faults, server):
    reset = faults.http(server.url("/quote"), error="reset", times=2)

    response = pool(Retry(read=2, backoff_factor=0)).request("GET", server.url("/quote"))

    assert response.status == 200
    assert reset.hits == 2
    assert server.paths == ["/quote"]


# Matching and pass-through -----------------------------------------------------------------


def test_unmatched_urls_pass_through_untouched(faults, server):
    unavailable = faults.http(server.url("/pay"), status=503)

    response = session().put(server.url("/orders/1"), data=b"body", timeout=2)

    assert response.status_code == 200
    assert response.json() == {"path": "/orders/1", "price": 42}
    assert unavailable.hits == 0
    assert server.requests == [("PUT", "/orders/1", b"body")]


def test_regex_urls_match_the_whole_url(faults, server):
    items = faults.http(re.compile(r"http://127\.0\.0\.1:\d+/items/\d+$"), status=500)

    assert session().get(server.url("/items/42"), timeout=2).status_code == 500
    assert session().get(server.url("/items/new"), timeout=2).status_code == 200
    assert items.hits == 1
    assert server.paths == ["/items/new"]


def test_the_first_declared_live_fault_applies(faults, server):
    faults.http(server.url("/quote"), status=503, times=1)
    faults.http(server.url("/quote"), body=b"<html>", times=1)
    client = session()

    assert client.get(server.url("/quote"), timeout=2).status_code == 503
    assert client.get(server.url("/quote"), timeout=2).content == b"<html>"
    assert client.get(server.url("/quote"), timeout=2).json()["price"] == 42


def test_connection_time_faults_come_before_response_faults(faults, server):
    faults.http(server.url("/quote"), status=503)
    faults.http(server.origin, error="connect", times=1)
    client = session()

    with pytest.raises(requests.exceptions.ConnectionError, match="refused"):
        client.get(server.url("/quote"), timeout=2)
    assert client.get(server.url("/quote"), timeout=2).status_code == 503


def _has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback here")
def test_ipv6_endpoints(faults):
    with CountingServer("::1") as server:
        faults.http(server.url("/quote"), status=503)
        faults.http(server.origin, error="connect", times=1)
        client = session()

        with pytest.raises(requests.exceptions.ConnectionError, match="refused"):
            client.get(server.url("/quote"), timeout=2)
        assert client.get(server.url("/quote"), timeout=2).status_code == 503
        assert client.get(server.url("/other"), timeout=2).status_code == 200
        assert server.paths == ["/other"]


def test_made_up_host_names_need_no_dns():
    with offline(), Faults() as faults:
        faults.http("http://quotes.internal.test/", status=504)
        response = session().get("http://quotes.internal.test/v1/quote", timeout=2)

    assert response.status_code == 504


def test_kept_alive_connections_are_not_reused_past_a_fault(faults, server):
    client = session()
    faults.http(server.url("/flaky"), status=503, times=1)

    assert client.get(server.url("/ok"), timeout=2).status_code == 200
    assert client.get(server.url("/flaky"), timeout=2).status_code == 503
    assert client.get(server.url("/flaky"), timeout=2).status_code == 200
    assert server.paths == ["/ok", "/flaky"]


def test_times_is_exact_under_concurrent_requests(faults, server):
    limited = faults.http(server.url("/quote"), status=503, times=10)
    statuses = []

    def worker():
        client = session()
        statuses.extend(client.get(server.url("/quote"), timeout=5).status_code for _ in range(5))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 20 + [503] * 10
    assert limited.hits == 10
    assert len(server.paths) == 20


# The standard library ----------------------------------------------------------------------


def test_urllib_request_meets_injected_status(faults, server):
    faults.http(server.url("/quote"), status=503)

    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(server.url("/quote"), timeout=2)
    assert raised.value.code == 503
    with urllib.request.urlopen(server.url("/other"), timeout=2) as response:
        assert response.status == 200


def test_http_client_meets_refused_connections_and_timeouts(faults, server):
    faults.http(server.origin, error="connect", times=1)
    faults.http(server.url("/slow"), error="timeout")

    with pytest.raises(ConnectionRefusedError):
        http.client.HTTPConnection("127.0.0.1", server.port, timeout=2).request("GET", "/")
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=0.2)
    connection.request("GET", "/slow")
    with pytest.raises(TimeoutError):
        connection.getresponse()
    connection.close()


# Declaring faults ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "options", "message"),
    [
        ("http://h/", {}, "at least one of"),
        ("ftp://h/", {"status": 503}, "http:// or https://"),
        ("http://h/pay", {"error": "connect"}, "without a path"),
        ("http://h/", {"error": "connect", "status": 503}, "takes no status"),
        ("http://h/", {"error": "timeout", "delay": 1}, "never answers"),
        ("https://h/", {"status": 503}, "beneath TLS"),
        ("http://h/", {"error": "boom"}, "error must be one of"),
        ("http://h/", {"status": 99}, "status must be"),
        ("http://h/", {"delay": -1}, "delay must be"),
        ("http://h/", {"status": 500, "times": 0}, "times must be"),
    ],
)
def test_invalid_faults_are_refused_when_declared(url, options, message):
    with Faults() as faults, pytest.raises(ValueError, match=message):
        faults.http(url, **options)


def test_the_context_manager_restores_everything_on_keyboard_interrupt(server):
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    opened = []

    def interrupted():
        with Faults() as faults:
            opened.append(faults)
            faults.http(server.url("/"), status=503)
            assert socket.getaddrinfo is not real_getaddrinfo
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()

    assert socket.getaddrinfo is real_getaddrinfo
    assert socket.socket.connect is real_connect
    assert "connect" not in vars(socket.socket)
    assert session().get(server.url("/"), timeout=2).status_code == 200
    with pytest.raises(RuntimeError, match="closed"):
        opened[0].http(server.url("/"), status=503)
