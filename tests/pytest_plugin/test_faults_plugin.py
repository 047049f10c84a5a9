"""The faults fixture, marker and options in real pytest sessions (pytester); nothing leaks
from one test into the next, whatever way a test ends."""

from __future__ import annotations

import socket
import threading

import pytest

from errguard.faults import intercept, peer
from tests.conftest import REPO
from tests.pytest_plugin import faults_helpers
from tests.pytest_plugin.faults_helpers import RateClient, offline

INNER = ("-p", "no:cacheprovider")


def originals():
    return (
        socket.getaddrinfo,
        socket.socket.connect,
        socket.socket.connect_ex,
        faults_helpers.exchange_rate,
        vars(RateClient)["default_factor"],
    )


def assert_restored(before):
    assert all(now is then for now, then in zip(originals(), before, strict=True))
    assert "connect" not in vars(socket.socket)
    assert "connect_ex" not in vars(socket.socket)
    assert not intercept.is_installed()
    assert not [t for t in threading.enumerate() if t.name.startswith("errguard-peer")]


def test_options_and_marker_are_registered(pytester):
    help_text = pytester.runpytest("--help").stdout.str()
    assert "--block-network" in help_text
    assert "--faults-seed=N" in help_text
    assert "errguard_block_network" in help_text
    markers = pytester.runpytest("--markers").stdout.str()
    assert "@pytest.mark.faults(http=URL | call=DOTTED_PATH | db=True|ALIAS, **options)" in markers


LEAKS = """
import socket
import threading
import time

import pytest
import requests

from tests.pytest_plugin import faults_helpers
from tests.pytest_plugin.faults_helpers import CountingServer, RateClient

HELPERS = "tests.pytest_plugin.faults_helpers"
BEFORE = (
    socket.getaddrinfo,
    socket.socket.connect,
    socket.socket.connect_ex,
    faults_helpers.exchange_rate,
    vars(RateClient)["default_factor"],
)


@pytest.fixture(scope="module")
def server():
    with CountingServer() as running:
        yield running


def test_fails_with_every_kind_of_fault_triggered(faults, server):
    faults.http(server.url("/a"), status=503)
    faults.call(f"{HELPERS}.exchange_rate", raises=TimeoutError)
    faults.call(f"{HELPERS}.RateClient.default_factor", returns=0)
    assert requests.get(server.url("/a"), timeout=2).status_code == 503
    assert RateClient.default_factor() == 0
    assert False, "fails on purpose"


def test_faults_never_triggered(faults, server):
    faults.http(server.url("/never"), error="timeout")
    faults.http(f"http://127.0.0.1:{server.port + 1}", error="connect")
    faults.call(f"{HELPERS}.exchange_rate", raises=TimeoutError)


@pytest.mark.faults(http="http://127.0.0.1:1/", status=500)
@pytest.mark.faults(call=f"{HELPERS}.RateClient.default_factor", raises=LookupError)
def test_marker_faults_and_an_error(server):
    raise RuntimeError("errors on purpose")


def test_a_request_still_in_flight_when_the_test_ends(faults, server):
    faults.http(server.url("/slow"), delay=30)
    thread = threading.Thread(
        target=lambda: pytest.raises(Exception, requests.get, server.url("/slow"), timeout=60),
        daemon=True,
    )
    thread.start()
    time.sleep(0.2)  # the request now waits in errguard's peer


def test_everything_is_restored(server):
    now = (
        socket.getaddrinfo,
        socket.socket.connect,
        socket.socket.connect_ex,
        faults_helpers.exchange_rate,
        vars(RateClient)["default_factor"],
    )
    assert all(a is b for a, b in zip(now, BEFORE, strict=True))
    assert "connect" not in vars(socket.socket)
    assert not [t for t in threading.enumerate() if t.name.startswith("errguard-peer")]
    assert requests.get(server.url("/a"), timeout=2).status_code == 200
    assert faults_helpers.exchange_rate("EUR") == 1.1
    assert server.paths == ["/a"]
"""


def test_nothing_leaks_after_failing_erroring_untriggered_and_interrupted_tests(pytester):
    before = originals()
    pytester.makepyfile(test_leaks=LEAKS)

    result = pytester.runpytest(*INNER)

    result.assert_outcomes(passed=3, failed=2)
    result.stdout.fnmatch_lines(["*fails on purpose*", "*errors on purpose*"])
    assert_restored(before)


INTERRUPTED = """
import requests

HELPERS = "tests.pytest_plugin.faults_helpers"


def test_interrupted_with_faults_active(faults):
    faults.http("http://127.0.0.1:1/", status=503)
    faults.call(f"{HELPERS}.exchange_rate", raises=TimeoutError)
    faults.call(f"{HELPERS}.RateClient.default_factor", returns=0)
    raise KeyboardInterrupt


def test_never_runs():
    pass
"""


def test_nothing_leaks_after_a_keyboard_interrupt(pytester):
    before = originals()
    pytester.makepyfile(test_interrupted=INTERRUPTED)

    result = pytester.runpytest_inprocess(*INNER, no_reraise_ctrlc=True)

    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*KeyboardInterrupt*"])
    assert_restored(before)


MARKERS = """
import pytest
import requests

from tests.pytest_plugin import faults_helpers
from tests.pytest_plugin.faults_helpers import RateClient

HELPERS = "tests.pytest_plugin.faults_helpers"
pytestmark = pytest.mark.faults(call=f"{HELPERS}.exchange_rate", returns=0.0)


@pytest.mark.faults(http="http://rates.test/", status=503, times=1)
@pytest.mark.faults(http="http://rates.test/", status=500)
def test_stacked_markers_apply_in_reading_order(faults):
    assert requests.get("http://rates.test/eur", timeout=2).status_code == 503
    assert requests.get("http://rates.test/eur", timeout=2).status_code == 500
    assert faults_helpers.exchange_rate("EUR") == 0.0
    kinds = [type(handle).__name__ for handle in faults.handles]
    assert kinds == ["CallFault", "HttpFault", "HttpFault"]
    assert [handle.hits for handle in faults.handles] == [1, 1, 1]


@pytest.mark.faults(call=f"{HELPERS}.RateClient.rate", raises=LookupError)
def test_a_marker_needs_no_fixture():
    with pytest.raises(LookupError):
        RateClient().rate("EUR")


@pytest.mark.faults(status=503)
def test_a_marker_without_a_kind():
    pass


@pytest.mark.faults(http="ftp://rates.test/", status=503)
def test_a_marker_with_an_invalid_fault():
    pass
"""


def test_markers_declare_faults_for_the_whole_test(pytester):
    pytester.makepyfile(test_markers=MARKERS)

    with offline():
        result = pytester.runpytest(*INNER)

    result.assert_outcomes(passed=2, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*takes exactly one of http=, call= or db=*",
            "*faults(http='ftp://rates.test/', ...): url must be an http:// or https:// URL*",
        ]
    )


NO_TIMEOUT = """
import pytest
import requests


def test_a_client_without_a_read_timeout(faults):
    faults.http("http://127.0.0.1:1/", error="timeout")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("http://127.0.0.1:1/")
"""


def test_a_client_that_never_times_out_fails_the_test(pytester, monkeypatch):
    monkeypatch.setattr(peer, "UNANSWERED_LIMIT", 0.3)
    pytester.makepyfile(test_no_timeout=NO_TIMEOUT)

    result = pytester.runpytest(*INNER)

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*FaultProblem*", "*the client waited 0.3 s for GET http://127.0.0.1:1/ without timing*"]
    )


SEEDED = """
import pathlib

from hypothesis import given, settings

from errguard.strategies import fault_plans


@settings(max_examples=15)
@given(plan=fault_plans(http=["http://a.test/x"], calls=["pkg.mod.f"], times=[1, 2, None]))
def test_draws(plan):
    with pathlib.Path("plans.txt").open("a") as log:
        log.write(repr(plan) + "\\n")
"""


def test_faults_seed_reproduces_the_drawn_schedules(pytester):
    pytester.makepyfile(test_seeded=SEEDED)
    drawn = []
    for args in (["--faults-seed=1234"], ["--faults-seed", "1234"], ["--faults-seed=99"]):
        result = pytester.runpytest(*INNER, *args)
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines([f"errguard faults seed: {args[-1].split('=')[-1]}"])
        log = pytester.path / "plans.txt"
        drawn.append(log.read_text())
        log.unlink()

    assert drawn[0] == drawn[1]
    assert drawn[0] != drawn[2]
    assert drawn[0].count("\n") >= 10


def test_faults_seed_from_the_ini_file(pytester):
    pytester.makepyfile(test_seeded=SEEDED)
    pytester.makeini("[pytest]\nerrguard_faults_seed = 1234\n")

    result = pytester.runpytest(*INNER)

    result.stdout.fnmatch_lines(["errguard faults seed: 1234"])
    pytester.makeini("[pytest]\nerrguard_faults_seed = soon\n")
    assert "errguard_faults_seed must be an integer" in pytester.runpytest(*INNER).stderr.str()


XDIST = """
import pytest
import requests

from tests.pytest_plugin import faults_helpers
from tests.pytest_plugin.faults_helpers import CountingServer


@pytest.fixture(scope="module")
def server():
    with CountingServer() as running:
        yield running


@pytest.mark.parametrize("n", range(6))
def test_faults_in_each_worker(faults, server, n):
    faults.http(server.url(f"/{n}"), status=500 + n)
    faults.call("tests.pytest_plugin.faults_helpers.exchange_rate", returns=n)
    assert requests.get(server.url(f"/{n}"), timeout=2).status_code == 500 + n
    assert requests.get(server.url("/ok"), timeout=2).status_code == 200
    assert faults_helpers.exchange_rate("EUR") == n


def test_restored_in_each_worker():
    assert faults_helpers.exchange_rate("EUR") == 1.1
"""


def test_faults_work_under_xdist(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makepyfile(test_xdist=XDIST)

    result = pytester.runpytest_subprocess("-n", "2", *INNER)

    result.assert_outcomes(passed=7)
    result.stdout.fnmatch_lines(["*2 workers*"])


PATCHED_OVER = """
import socket

import pytest
import requests

from tests.pytest_plugin import faults_helpers

HELPERS = "tests.pytest_plugin.faults_helpers"
BEFORE = (socket.getaddrinfo, faults_helpers.exchange_rate)


def test_a_monkeypatch_over_errguard_undone_after_it(monkeypatch, faults):
    # monkeypatch was set up first, so it is undone last: it puts back what it found, errguard's
    # hooks, after errguard has let go of them.
    faults.http("http://payments.internal/charge", status=503)
    faults.call(f"{HELPERS}.exchange_rate", returns=3.0)
    resolve = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: resolve(*args, **kwargs))
    monkeypatch.setattr(faults_helpers, "exchange_rate", lambda currency: 2.0)
    assert requests.get("http://payments.internal/charge", timeout=5).status_code == 503
    assert faults_helpers.exchange_rate("EUR") == 2.0


def test_b_the_next_test_declares_an_http_fault(faults):
    faults.http("http://payments.internal/charge", status=502)
    assert requests.get("http://payments.internal/charge", timeout=5).status_code == 502
    assert socket.getaddrinfo("localhost", 80)  # a name no fault targets: really resolved


def test_c_the_monkeypatch_is_undone_before_errguard(faults, monkeypatch):
    faults.call(f"{HELPERS}.exchange_rate", returns=3.0)
    monkeypatch.setattr(faults_helpers, "exchange_rate", lambda currency: 2.0)
    assert faults_helpers.exchange_rate("EUR") == 2.0


def test_d_nothing_of_errguard_is_left():
    assert (socket.getaddrinfo, faults_helpers.exchange_rate) == BEFORE
    assert faults_helpers.exchange_rate("EUR") == 1.1
"""


def test_patches_made_over_errguards_are_unwound_without_recursion(pytester):
    before = originals()
    pytester.makepyfile(test_patched_over=PATCHED_OVER)

    result = pytester.runpytest(*INNER)

    result.assert_outcomes(passed=4)
    assert_restored(before)
