"""Findings of a test issued as warnings at the project line they name."""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import pytest

from errguard.queries.callsite import CallSite


def warn_each(
    item: pytest.Item, category: type[Warning], found: Iterable[tuple[str, CallSite | None]]
) -> None:
    """Warn ``category`` with each message at its call site (or at the test without one).

    Under ``-W error::<category>`` the first finding fails the test with its message alone: a
    traceback of the hook (or the warning chained to the failure) would only bury it.
    """
    raised = None
    for message, site in found:
        if site is not None:
            filename, lineno = site.filename, site.lineno
        else:
            filename, lineno = str(item.path), (item.location[1] or 0) + 1
        try:
            warnings.warn_explicit(category(message), category, filename, lineno)
        except category as error:
            raised = f"{type(error).__name__}: {error}"
            break
    if raised is not None:
        pytest.fail(raised, pytrace=False)
