"""``--errguard-unused-eager=warn``: eager loads the test body never read, as warnings (opt-in).

A ``select_related``/``prefetch_related`` lookup of a queryset evaluated in the test body into
two rows or more, whose objects no row read before the body ended, is reported as an
``UnusedEagerLoadWarning`` at the project line that evaluated the queryset
(``errguard.queries.eager`` says what is never reported). Off by default (ini
``errguard_unused_eager``). Needs the ``queries`` plugin's recording, so Django with configured
settings; nothing here imports Django.
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import nullcontext
from typing import TYPE_CHECKING

import pytest

from errguard.pytest_plugin._choices import choice
from errguard.pytest_plugin._shared import TEST
from errguard.pytest_plugin._unittest_body import method_only
from errguard.pytest_plugin._warnings import warn_each

if TYPE_CHECKING:
    from errguard.queries.callsite import CallSiteFinder
    from errguard.queries.eager import EagerWatch

MODES = ("warn", "off")
_WATCH: list[EagerWatch] = []


class UnusedEagerLoadWarning(UserWarning):
    """Issued for each eager lookup whose objects no row read, with ``--errguard-unused-eager``.

    ``-W error::errguard.pytest_plugin.unused_eager.UnusedEagerLoadWarning`` makes it a failure.
    """


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("errguard").addoption(
        "--errguard-unused-eager",
        dest="errguard_unused_eager",
        choices=MODES,
        default=None,
        help="warn about select_related/prefetch_related lookups whose objects the test body "
        "never reads (querysets of two rows or more, at the line that evaluated them), or off "
        "(default). Overrides the errguard_unused_eager ini setting.",
    )
    parser.addini(
        "errguard_unused_eager",
        "unused select_related/prefetch_related lookups in test bodies: warn or off (default: off)",
        default="off",
    )


def _mode(config: pytest.Config) -> str:
    return choice(config, "errguard_unused_eager", MODES)


def pytest_configure(config: pytest.Config) -> None:
    _mode(config)  # a wrong value fails the run before any test


def _watch(finder: CallSiteFinder) -> EagerWatch:
    """The session's watch, installed into Django at its first use."""
    from errguard.queries.eager import EagerWatch

    if not _WATCH or _WATCH[0].finder is not finder:
        _uninstall()
        _WATCH.append(EagerWatch(finder))
        _WATCH[0].install()
    return _WATCH[0]


def _uninstall() -> None:
    while _WATCH:
        _WATCH.pop().uninstall()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    test = item.stash.get(TEST, None)
    if test is None or _mode(item.config) == "off":
        return (yield)
    watch = _watch(test.log.finder)
    watch.reset()

    def begin() -> None:
        watch.active = True

    def end() -> None:
        watch.active = False

    # As the queries plugin: a unittest-style test's body is its method, unless
    # errguard_count_setup counts setUp and tearDown too.
    setup_too = bool(item.config.getini("errguard_count_setup"))
    with nullcontext(False) if setup_too else method_only(item, begin, end) as scoped:
        if not scoped:
            begin()
        try:
            yield
        finally:
            end()
    found = watch.unused()
    watch.reset()
    messages = ((f"unused eager load: {unused.describe()}", unused.site) for unused in found)
    warn_each(item, UnusedEagerLoadWarning, messages)


def pytest_sessionfinish() -> None:
    _uninstall()
