"""Fault injection in pytest: the ``faults`` fixture, ``@pytest.mark.faults``, ``--faults-seed``
and the network guard ``--block-network``.

Nothing is imported from ``errguard.faults`` (let alone Django or an HTTP client) until a test
uses one of these, so projects that do not pay nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from errguard.faults import Faults
    from errguard.faults.options import Gate

_KINDS = ("http", "call", "db")
_MARKER = (
    "faults(http=URL | call=DOTTED_PATH | db=True|ALIAS, **options): inject one fault for "
    "the whole test, as faults.http(URL, **options), faults.call(DOTTED_PATH, **options) or "
    "faults.db(using=ALIAS, **options) would; stack several markers for several faults."
)
# The faults of a test fire only while its body runs: pytest_runtest_call opens the gate.
_IN_BODY = pytest.StashKey[bool]()
_GATE: pytest.StashKey[Gate] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("errguard")
    group.addoption(
        "--block-network",
        action="store_true",
        default=None,
        dest="errguard_block_network",
        help="fail any test that connects to a non-loopback host "
        "(ini: errguard_block_network = true).",
    )
    group.addoption(
        "--faults-seed",
        type=int,
        default=None,
        metavar="N",
        dest="errguard_faults_seed",
        help="seed every Hypothesis test with N, so fault schedules drawn by "
        "errguard.strategies.fault_plans() are reproduced (ini: errguard_faults_seed).",
    )
    parser.addini(
        "errguard_block_network",
        type="bool",
        default=False,
        help="fail any test that connects to a non-loopback host (like --block-network).",
    )
    parser.addini(
        "errguard_faults_seed",
        default="",
        help="seed for Hypothesis tests drawing fault plans (like --faults-seed).",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER)


@pytest.fixture
def faults(request: pytest.FixtureRequest) -> Iterator[Faults]:
    """Inject faults beneath HTTP clients (``faults.http``), into callables by dotted path
    (``faults.call``) and into Django queries (``faults.db``); all undone after the test.

    They fire in the test body only, never in fixtures' setup or teardown (pytest-django's
    database creation, transactions and flushes among them)."""
    from errguard.faults import Faults
    from errguard.faults.options import Gate

    gate = request.node.stash[_GATE] = Gate(is_open=request.node.stash.get(_IN_BODY, False))
    active = Faults(gate=gate)
    try:
        for mark in _marks_in_declaration_order(request.node):
            _apply_mark(active, mark)
        yield active
    finally:
        active.close()


@pytest.fixture(autouse=True)
def _errguard_faults_marker(request: pytest.FixtureRequest) -> None:
    """Tests marked ``@pytest.mark.faults`` get their faults without asking for the fixture."""
    if request.node.get_closest_marker("faults") is not None:
        request.getfixturevalue("faults")


def _marks_in_declaration_order(node: pytest.Item) -> list[pytest.Mark]:
    """Outermost node (module) first; a node's stacked decorators top to bottom.

    The order matters where several faults match the same request: the first declared wins.
    """
    by_node: dict[int, list[pytest.Mark]] = {}
    for owner, mark in node.iter_markers_with_node("faults"):
        by_node.setdefault(id(owner), []).append(mark)
    return [mark for marks in reversed(by_node.values()) for mark in reversed(marks)]


def _apply_mark(active: Faults, mark: pytest.Mark) -> None:
    options: dict[str, Any] = dict(mark.kwargs)
    kinds = [kind for kind in _KINDS if kind in options]
    if mark.args or len(kinds) != 1:
        pytest.fail(
            f"@pytest.mark.faults takes exactly one of http=, call= or db= and keyword options, "
            f"got args={mark.args!r} kwargs={mark.kwargs!r}",
            pytrace=False,
        )
    kind = kinds[0]
    target = options.pop(kind)
    try:
        if kind == "http":
            active.http(target, **options)
        elif kind == "call":
            active.call(target, **options)
        else:
            active.db(using=None if target is True else target, **options)
    except (TypeError, ValueError) as error:
        pytest.fail(f"@pytest.mark.faults({kind}={target!r}, ...): {error}", pytrace=False)


def _blocks_network(config: pytest.Config) -> bool:
    return bool(config.getoption("errguard_block_network")) or bool(
        config.getini("errguard_block_network")
    )


def _guarded(item: pytest.Item) -> Generator[None, object, object]:
    """Run one phase of ``item`` under the network guard, when it is on."""
    if not _blocks_network(item.config):
        return (yield)
    from errguard.faults import NetworkGuard

    guard = NetworkGuard()
    try:
        with guard:
            result = yield
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:
        report = guard.report()
        if report is None:
            raise
        pytest.fail(
            f"{report}\n\nThe test then raised {type(error).__name__}: {error}", pytrace=False
        )
    report = guard.report()
    if report is not None:
        pytest.fail(report, pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _guarded(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    item.stash[_IN_BODY] = True
    if _GATE in item.stash:
        item.stash[_GATE].is_open = True
    try:
        return (yield from _guarded(item))
    finally:
        item.stash[_IN_BODY] = False
        if _GATE in item.stash:
            item.stash[_GATE].is_open = False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    try:
        return (yield from _guarded(item))
    finally:
        # Another fixture patched over errguard's hooks and was torn down after the faults:
        # it put errguard's hooks back, which are taken back now. Only if faults were used.
        patching = sys.modules.get("errguard.faults.patching")
        if patching is not None:
            patching.restore_displaced()


def _faults_seed(config: pytest.Config) -> int | None:
    seed = config.getoption("errguard_faults_seed")
    if seed is not None:
        return int(seed)
    text = str(config.getini("errguard_faults_seed")).strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise pytest.UsageError(f"errguard_faults_seed must be an integer, got {text!r}") from None


def pytest_report_header(config: pytest.Config) -> str | None:
    seed = _faults_seed(config)
    return None if seed is None else f"errguard faults seed: {seed}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    seed = _faults_seed(config)
    if seed is None:
        return
    try:
        import hypothesis
    except ImportError:
        raise pytest.UsageError(
            "--faults-seed seeds Hypothesis tests; install hypothesis"
        ) from None
    for item in items:
        function = getattr(item, "function", None)
        # Hypothesis marks the tests that @given wraps with this attribute.
        if function is not None and getattr(function, "is_hypothesis_test", False):
            hypothesis.seed(seed)(function)
