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
from typing import TYPE_CHECKING

import pytest

from errguard.pytest_plugin._unittest_body import method_only
from errguard.pytest_plugin.queries import django_configured
from errguard.queries.callsite import CallSiteFinder

if TYPE_CHECKING:
    from errguard.queries.side_effects import SideEffect

MODES = ("fail", "warn", "off")
_FINDER = pytest.StashKey[CallSiteFinder]()


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


def _mode(config: pytest.Config) -> str:
    value = config.getoption("errguard_side_effects") or config.getini("errguard_side_effects")
    mode = str(value).strip().lower()
    if mode not in MODES:
        raise pytest.UsageError(f"errguard_side_effects must be fail, warn or off, not {value!r}")
    return mode


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_side_effects: do not report side effects issued inside a transaction.",
    )
    if _mode(config) != "off":
        config.stash[_FINDER] = CallSiteFinder(config.rootpath, config.getini("python_files"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    finder = item.config.stash.get(_FINDER, None)
    if (
        finder is None
        or item.get_closest_marker("allow_side_effects") is not None
        or not django_configured()
    ):
        return (yield)
    from errguard.queries.side_effects import recording

    with recording(finder) as recorder, method_only(item, recorder.begin, recorder.end) as scoped:
        if not scoped:  # a plain test function: its call phase is the body
            recorder.begin()
        yield
    if recorder.found:
        _report(item, recorder.found)


def _report(item: pytest.Item, found: list[SideEffect]) -> None:
    messages = [f"side effect inside a transaction: {effect.describe()}" for effect in found]
    if _mode(item.config) == "fail":
        pytest.fail("\n".join(messages), pytrace=False)
    for effect, message in zip(found, messages, strict=True):
        site = effect.site
        filename = site.filename if site is not None else str(item.path)
        lineno = site.lineno if site is not None else (item.location[1] or 0) + 1
        warnings.warn_explicit(SideEffectWarning(message), SideEffectWarning, filename, lineno)
