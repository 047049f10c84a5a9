"""Side effects inside a transaction at runtime, the counterpart of the static rule EG203.

- ``--side-effects=fail|warn|off`` (ini ``errguard_side_effects``, default ``off``: opt-in)
  reports each mail a test body sends while a database connection is inside an atomic block
  that the body opened (the test's own transaction does not count), outside
  ``transaction.on_commit`` callbacks, with the line of project code that sent it.
- ``@pytest.mark.allow_side_effects`` opts a test out.

Nothing here imports Django: the engine (``errguard.queries.side_effects``) is imported at the
first test that runs with the option on and Django's settings configured.
"""

from __future__ import annotations

import warnings
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from errguard.pytest_plugin._choices import choice
from errguard.pytest_plugin._shared import django_configured
from errguard.pytest_plugin._unittest_body import method_only
from errguard.queries.callsite import CallSiteFinder

if TYPE_CHECKING:
    from errguard.queries.side_effects import SideEffect

MODES = ("fail", "warn", "off")


@dataclass(frozen=True)
class _State:
    fail: bool
    finder: CallSiteFinder


_STATE = pytest.StashKey[_State]()


class SideEffectWarning(UserWarning):
    """Issued for each side effect inside a transaction, with ``--side-effects=warn``."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("errguard")
    group.addoption(
        "--side-effects",
        dest="errguard_side_effects",
        choices=MODES,
        default=None,
        help="report mail sent inside a transaction the test body opened (outside "
        "transaction.on_commit): fail the test, warn, or off (default). Overrides the "
        "errguard_side_effects ini setting.",
    )
    parser.addini(
        "errguard_side_effects",
        "side effects (mail) inside a transaction: fail, warn or off (default: off)",
        default="off",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_side_effects: do not report side effects issued inside a transaction.",
    )
    mode = choice(config, "errguard_side_effects", MODES)
    if mode != "off":
        finder = CallSiteFinder(config.rootpath, config.getini("python_files"))
        config.stash[_STATE] = _State(fail=mode == "fail", finder=finder)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    state = item.config.stash.get(_STATE, None)
    if (
        state is None
        or item.get_closest_marker("allow_side_effects") is not None
        or not django_configured()
    ):
        return (yield)
    from errguard.queries.side_effects import recording

    with (
        recording(state.finder) as recorder,
        method_only(item, recorder.begin, recorder.end) as scoped,
    ):
        if not scoped:  # a plain test function: its call phase is the body
            recorder.begin()
        yield
    if recorder.found:
        _report(item, recorder.found, fail=state.fail)


def _report(item: pytest.Item, found: list[SideEffect], *, fail: bool) -> None:
    messages = [f"side effect inside a transaction: {effect.describe()}" for effect in found]
    if fail:
        pytest.fail("\n".join(messages), pytrace=False)
    raised = None
    for effect, message in zip(found, messages, strict=True):
        site = effect.site
        filename = site.filename if site is not None else str(item.path)
        lineno = site.lineno if site is not None else (item.location[1] or 0) + 1
        try:
            warnings.warn_explicit(SideEffectWarning(message), SideEffectWarning, filename, lineno)
        except SideEffectWarning as error:
            raised = f"{type(error).__name__}: {error}"
            break
    if raised is not None:
        # "-W error::...SideEffectWarning": the finding is the failure; this hook's traceback,
        # or the warning chained to the failure, would only bury it.
        pytest.fail(raised, pytrace=False)
