"""--block-network: a real connection to a non-loopback host fails the test with the URL and
the line that made it. Every session here runs inside ``offline()``, so even a broken guard
could not reach the network: errguard's hooks call ``offline()``'s functions as the real ones."""

from __future__ import annotations

import socket

from errguard.faults import intercept
from tests.pytest_plugin.faults_helpers import offline

INNER = ("-p", "no:cacheprovider")

GUARDED = """
import socket

import httpx
import pytest
import requests

from tests.pytest_plugin.faults_helpers import CountingServer


@pytest.fixture(scope="module")
def server():
    with CountingServer() as running:
        yield running


def test_a_swallowed_request_to_a_remote_host(server):
    try:
        requests.get("http://api.example.com/v1/orders?page=2", timeout=2)
    except requests.RequestException:
        pass  # the code under test falls back; the test still fails


def test_a_remote_ip_address_and_an_unhandled_error():
    httpx.post("http://192.0.2.10:8080/charge", json={"amount": 5}, timeout=2)


def test_tls_to_a_remote_host():
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("https://secure.example.org/account", timeout=2)


def test_a_raw_socket():
    with pytest.raises(OSError):
        socket.create_connection(("198.51.100.7", 25), timeout=2).recv(1)


def test_loopback_is_allowed(server):
    assert requests.get(server.url("/local"), timeout=2).status_code == 200
    assert requests.get(f"http://localhost:{server.port}/named", timeout=2).status_code == 200


def test_faulted_remote_hosts_need_no_network(faults):
    faults.http("http://payments.example.com/charge", status=503)
    assert requests.post("http://payments.example.com/charge", timeout=2).status_code == 503


def test_an_unfaulted_path_of_a_faulted_host_is_still_blocked(faults):
    faults.http("http://payments.example.com/charge", status=503)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("http://payments.example.com/refunds/7", timeout=2)


@pytest.fixture
def remote_in_setup():
    with pytest.raises(requests.RequestException):
        requests.get("http://setup.example.com/", timeout=2)


def test_blocked_in_a_fixture(remote_in_setup):
    pass
"""


def run_guarded(pytester, *args):
    pytester.makepyfile(test_guarded=GUARDED)
    with offline():
        return pytester.runpytest(*INNER, *args)


def test_block_network_fails_each_test_with_the_url_and_the_line(pytester):
    result = run_guarded(pytester, "--block-network")

    result.assert_outcomes(passed=2, failed=5, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_a_swallowed_request_to_a_remote_host _*",
            "*errguard blocked 1 network connection(s) to non-loopback hosts (--block-network):",
            "*  GET http://api.example.com/v1/orders?page=2",
            "*made at test_guarded.py:18 in test_a_swallowed_request_to_a_remote_host",
            '*requests.get("http://api.example.com/v1/orders?page=2", timeout=2)',
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*  POST http://192.0.2.10:8080/charge",
            "*made at test_guarded.py:24 in test_a_remote_ip_address_and_an_unhandled_error",
            '*httpx.post("http://192.0.2.10:8080/charge", json={"amount": 5}, timeout=2)',
            "",
            "The test then raised *Error: *",
        ]
    )
    result.stdout.fnmatch_lines(["*  https://secure.example.org", "*test_guarded.py:29*"])
    result.stdout.fnmatch_lines(["*  tcp://198.51.100.7:25", "*test_guarded.py:34*"])
    result.stdout.fnmatch_lines(
        ["*  GET http://payments.example.com/refunds/7", "*test_guarded.py:50*"]
    )
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_blocked_in_a_fixture*",
            "*  GET http://setup.example.com/",
            "*test_guarded.py:56 in remote_in_setup*",
        ]
    )
    assert not intercept.is_installed()
    assert "connect" not in vars(socket.socket)


def test_the_guard_is_opt_in_and_also_set_in_the_ini_file(pytester):
    without = run_guarded(pytester)
    without.assert_outcomes(passed=7, failed=1)  # offline(): no route to 192.0.2.10
    assert "errguard blocked" not in without.stdout.str()

    pytester.makeini("[pytest]\nerrguard_block_network = true\n")
    with_ini = run_guarded(pytester)
    with_ini.assert_outcomes(passed=2, failed=5, errors=1)
