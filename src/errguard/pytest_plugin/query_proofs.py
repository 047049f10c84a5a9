"""Query proofs beyond counts: constant queries as data grows, and query snapshots.

- ``for size in queries.constant(populate, sizes=(2, 5, 10)):`` and
  ``@pytest.mark.constant_queries(*, populate, sizes=(2, 5, 10), slope=0, using=None,
  scale=1)`` (the test body is run once per size) fail when the query count grows with the
  data, naming the growing shapes, their call sites and the N+1 fix.
- ``with queries.snapshot(name=None):`` and ``@pytest.mark.query_snapshot(name="body")``
  compare the query shapes with ``__query_snapshots__/<module>.json`` beside the test module.
- ``--errguard-snapshot=auto|check|update`` (ini ``errguard_snapshot``; ``check`` when the
  ``CI`` environment variable is set, else ``auto``).

Built on the ``queries`` plugin's recording (``errguard.pytest_plugin.queries``); nothing here
imports Django.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any

import pytest

from errguard.pytest_plugin._shared import NEEDS_DJANGO, TEST
from errguard.pytest_plugin._unittest_body import is_unittest_item
from errguard.queries.constant import DEFAULT_SIZES, ConstantQueries, ConstantQueriesError
from errguard.queries.snapshot import QuerySnapshotError, record
from errguard.queries.snapshot_store import BODY, MODES, TestSnapshots

if TYPE_CHECKING:
    from errguard.queries.runtime import TestQueries

_MODE = pytest.StashKey[str]()
_SNAPSHOTS = pytest.StashKey[TestSnapshots]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("errguard")
    group.addoption(
        "--errguard-snapshot",
        dest="errguard_snapshot",
        choices=MODES,
        default=None,
        help="query snapshots (__query_snapshots__/ beside each test module): auto compares "
        "and writes missing ones, check also fails on a missing one (the default when the CI "
        "environment variable is set), update rewrites them. Overrides the errguard_snapshot "
        "ini setting.",
    )
    parser.addini(
        "errguard_snapshot",
        "query snapshots: auto, check or update (default: check when CI is set, else auto)",
        default="",
    )


def _snapshot_mode(config: pytest.Config) -> str:
    value = config.getoption("errguard_snapshot") or config.getini("errguard_snapshot")
    mode = str(value).strip().lower()
    if not mode:
        return "check" if os.environ.get("CI") else "auto"
    if mode not in MODES:
        raise pytest.UsageError(f"errguard_snapshot must be auto, check or update, not {value!r}")
    return mode


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "constant_queries(*, populate, sizes=(2, 5, 10), slope=0, using=None, scale=1): run "
        "populate(n) then the test body once per size n (times scale), each rolled back, and "
        "fail if the body's query count grows by more than slope per row (on alias `using`).",
    )
    config.addinivalue_line(
        "markers",
        'query_snapshot(name="body"): fail the test if the query shapes of its body differ '
        "from those stored in __query_snapshots__/<module>.json beside the test module.",
    )
    config.stash[_MODE] = _snapshot_mode(config)


def _test_id(item: pytest.Item) -> str:
    """The test's id within its module: ``test_list[x]``, ``TestBooks::test_list``."""
    return item.nodeid.split("::", 1)[-1]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Give the ``queries`` fixture (set up after this hook) the test's snapshots."""
    test = item.stash.get(TEST, None)
    mode = item.config.stash.get(_MODE, None)
    if test is None or mode is None:
        return
    snapshots = TestSnapshots(item.path, _test_id(item), mode, item.config.rootpath)
    item.stash[_SNAPSHOTS] = snapshots
    test.snapshots = snapshots.check


def query_snapshot(name: str = BODY) -> str:
    """The ``query_snapshot`` marker's signature (named so its errors read like the marker's)."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"name= expects a non-empty str, got {name!r}")
    return name


def _snapshot_name(item: pytest.Item) -> str | None:
    """The name the ``query_snapshot`` marker gives the body's snapshot, None without one."""
    marker = item.get_closest_marker("query_snapshot")
    if marker is None:
        return None
    try:
        return query_snapshot(*marker.args, **marker.kwargs)
    except TypeError as error:
        problem = str(error)
    pytest.fail(f"@pytest.mark.query_snapshot: {problem}", pytrace=False)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Outside the ``queries`` plugin's own wrapper: the body has ended when the yield returns.

    Snapshots are written whatever the outcome, so a test failing for another reason still
    stores (with ``update``) what it recorded before it failed.
    """
    if item.get_closest_marker("constant_queries") is not None and is_unittest_item(item):
        pytest.fail(
            "@pytest.mark.constant_queries runs test functions, not unittest methods: "
            "use `for size in queries.constant(...)` in a pytest-style test",
            pytrace=False,
        )
    name = _snapshot_name(item)
    snapshots = item.stash.get(_SNAPSHOTS, None)
    test = item.stash.get(TEST, None)
    if snapshots is None or test is None:
        if name is not None:
            pytest.fail(f"@pytest.mark.query_snapshot {NEEDS_DJANGO}", pytrace=False)
        return (yield)
    try:
        yield
    except BaseException:
        _flush(snapshots, completed=False)  # the test's own error is the story
        raise
    failure = None
    if name is not None and test.body_start is not None and test.body_end is not None:
        try:
            failure = snapshots.check(name, record(test.log, test.body_start, test.body_end))
        except QuerySnapshotError as error:  # an unreadable snapshot file
            failure = str(error)
    failure = _flush(snapshots, completed=True) or failure
    if failure is not None:
        pytest.fail(failure, pytrace=False)


def _flush(snapshots: TestSnapshots, *, completed: bool) -> str | None:
    """Write the test's snapshots; the problem, if the file cannot be read."""
    try:
        snapshots.flush(completed=completed)
    except QuerySnapshotError as error:
        return str(error)
    return None


# Keyword-only: @pytest.mark.constant_queries(make_books) would decorate make_books.
def constant_queries(
    *,
    populate: Callable[[int], Any],
    sizes: Sequence[int] = DEFAULT_SIZES,
    slope: float = 0,
    using: str | None = None,
    scale: int = 1,
) -> dict[str, Any]:
    """The ``constant_queries`` marker's signature; ``ConstantQueries`` checks the values."""
    return {"populate": populate, "sizes": sizes, "slope": slope, "using": using, "scale": scale}


def _constant_queries(test: TestQueries, marker: pytest.Mark) -> ConstantQueries:
    try:
        options = constant_queries(*marker.args, **marker.kwargs)
        return ConstantQueries(test.log, test.findings_between, **options)
    except TypeError as error:
        problem = str(error)
    pytest.fail(f"@pytest.mark.constant_queries: {problem}", pytrace=False)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """``constant_queries``: call the test function once per size instead of once."""
    marker = pyfuncitem.get_closest_marker("constant_queries")
    if marker is None:
        return None
    test = pyfuncitem.stash.get(TEST, None)
    if test is None:
        pytest.fail(f"@pytest.mark.constant_queries {NEEDS_DJANGO}", pytrace=False)
    function = pyfuncitem.obj
    if inspect.iscoroutinefunction(function):
        pytest.fail(
            "@pytest.mark.constant_queries: async test functions are not supported", pytrace=False
        )
    proof = _constant_queries(test, marker)
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    try:
        for _ in proof:
            function(**arguments)
    except ConstantQueriesError as error:
        pytest.fail(str(error), pytrace=False)
    return True
