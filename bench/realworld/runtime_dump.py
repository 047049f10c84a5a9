"""A pytest plugin for runtime.py: writes errguard's N+1 findings and each test's outcome as JSON.

Loaded with ``-p runtime_dump`` (bench/realworld on PYTHONPATH) next to errguard's own plugin;
``ERRGUARD_RUNTIME_DUMP`` names the file. It reads what errguard's query plugin gathered for its
terminal summary (``QueryStats``) and adds the outcome of every test, so that two runs can be
compared. Not for pytest-xdist: the summary is read in the process that ran the tests.

With ``ERRGUARD_RUNTIME_STACKS`` naming a JSON file of call sites (``["path:line", ...]``, as
errguard reports them), every query run from one of those lines is also recorded with its stack
of project and test frames, and the file ``<that name>.out.json`` gets, per site and test, each
distinct stack and how many queries ran through it: enough to tell a loop inside one call into
project code from a test that calls the same code several times.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from collections.abc import Generator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from runtime import TEST_CODE

from errguard.pytest_plugin.queries import _STATE
from errguard.queries.callsite import CallSiteFinder

_OUTCOMES: dict[str, str] = {}
_STACKS: dict[str, dict[str, dict[str, int]]] = {}
"""site -> test -> stack of project and test frames -> queries run through it."""
_PER_CALL: dict[str, dict[str, dict[int, int]]] = {}
"""site -> test -> call into project code (numbered) -> queries run from the site in it."""
_CALL_MARK = "__errguard_runtime_call__"
"""A key put in the f_locals dict of the frame that starts a call into project code.

The dict lives as long as the frame object, so a finished call's number goes with it and a
later call never inherits it; unlike keeping the frames alive (which kept their cursors open and
stalled SQLite), this holds no reference. Python 3.11 and 3.12 cache the dict on the frame.
"""
_COUNTER = itertools.count()
_CURRENT: list[str] = [""]
_PATCHED: list[bool] = []


def _install_stacks(config: pytest.Config, targets: set[str]) -> None:
    from django.db.backends.utils import CursorWrapper

    finder = CallSiteFinder(config.rootpath)
    original = CursorWrapper._execute_with_wrappers

    def _execute_with_wrappers(self: Any, sql: Any, params: Any, many: bool, executor: Any) -> Any:
        frame: FrameType | None = sys._getframe(1)
        site = finder.resolve(finder.find(frame))
        if site is not None and site.location in targets:
            _record(finder, site.location, frame)
        return original(self, sql, params, many, executor)

    CursorWrapper._execute_with_wrappers = _execute_with_wrappers  # type: ignore[method-assign]


def _record(finder: CallSiteFinder, location: str, frame: FrameType | None) -> None:
    """Note the query's stack, and which call from test code into project code ran it.

    That call starts at the outermost frame of project code below the innermost frame of test
    code (or at the outermost frame of project code when no test code is on the stack).
    """
    chain: list[str] = []
    call: FrameType | None = None
    in_test = False
    while frame is not None:
        filename = frame.f_code.co_filename
        if not finder.is_library_file(filename):
            path = finder.display_path(filename)
            chain.append(f"{path}:{frame.f_lineno} {frame.f_code.co_name}")
            if TEST_CODE.search(path):
                in_test = True
            elif not in_test:
                call = frame
        frame = frame.f_back
    per_test = _STACKS.setdefault(location, {}).setdefault(_CURRENT[0], {})
    stack = " <- ".join(chain)
    per_test[stack] = per_test.get(stack, 0) + 1
    if call is not None:
        number = call.f_locals.setdefault(_CALL_MARK, next(_COUNTER))
        calls = _PER_CALL.setdefault(location, {}).setdefault(_CURRENT[0], {})
        calls[number] = calls.get(number, 0) + 1


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    targets_file = os.environ.get("ERRGUARD_RUNTIME_STACKS")
    if targets_file and not _PATCHED and "django.conf" in sys.modules:
        _PATCHED.append(True)
        _install_stacks(item.config, set(json.loads(Path(targets_file).read_text())))
    _CURRENT[0] = item.nodeid
    return (yield)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # A test failed if any phase failed; skipped if setup skipped it; passed otherwise.
    current = _OUTCOMES.get(report.nodeid)
    if report.failed:
        _OUTCOMES[report.nodeid] = "error" if report.when != "call" else "failed"
    elif report.skipped and current is None:
        _OUTCOMES[report.nodeid] = "skipped"
    elif report.passed and report.when == "call" and current is None:
        _OUTCOMES[report.nodeid] = "passed"


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    targets_file = os.environ.get("ERRGUARD_RUNTIME_STACKS")
    if targets_file:
        most = {
            location: {test: max(calls.values()) for test, calls in tests.items()}
            for location, tests in _PER_CALL.items()
        }
        found = {"stacks": _STACKS, "most_in_one_call": most}
        Path(targets_file + ".out.json").write_text(json.dumps(found, indent=1) + "\n")
    target = os.environ.get("ERRGUARD_RUNTIME_DUMP")
    state = session.config.stash.get(_STATE, None)
    if not target:
        return
    data = state.stats.to_json() if state is not None else {}
    data["outcomes"] = dict(sorted(_OUTCOMES.items()))
    # Where the project's packages were imported from: a fixed copy's run must use the copy.
    packages = os.environ.get("ERRGUARD_RUNTIME_PACKAGES", "").split(",")
    data["imported_from"] = {
        name: getattr(sys.modules.get(name), "__file__", None) for name in packages if name
    }
    data["exitstatus"] = int(exitstatus)
    Path(target).write_text(json.dumps(data, indent=1) + "\n")
