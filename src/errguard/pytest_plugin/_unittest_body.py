"""The body of a unittest-style test: its test method, without ``setUp`` and ``tearDown``.

pytest runs a ``unittest.TestCase`` test in one call phase: ``setUp()``, Django's per-test
fixture loading (``django.test.TestCase._fixture_setup``), the test method, ``tearDown()`` and
the cleanups. Budgets and counts promise "the test body", so by default only the test method
counts. pytest calls the method through ``item.obj`` (it sets it on the instance just before
running); pytest-django, for Django's test cases, through the instance's attribute. Both are
replaced by the wrapped method for the call phase and restored afterwards.
Async test methods are left alone (unittest and Django drive them themselves): for those the
whole call phase counts.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest


def is_unittest_item(item: pytest.Item) -> bool:
    unittest_plugin = item.config.pluginmanager.get_plugin("unittest")
    function_class = getattr(unittest_plugin, "TestCaseFunction", None)
    return function_class is not None and isinstance(item, function_class)


@contextmanager
def method_only(
    item: pytest.Item, begin: Callable[[], None], end: Callable[[], None]
) -> Iterator[bool]:
    """Call ``begin``/``end`` around the test method alone; yields False when not possible.

    Then the caller must scope the body to the whole call phase itself.
    """
    instance = getattr(item, "instance", None) if is_unittest_item(item) else None
    original: Any = getattr(instance, item.name, None)
    if original is None or inspect.iscoroutinefunction(original):
        yield False
        return

    @functools.wraps(original)
    def test_method(*args: Any, **kwargs: Any) -> Any:
        begin()
        try:
            return original(*args, **kwargs)
        finally:
            end()

    item_obj = item.obj  # type: ignore[attr-defined]
    item.obj = test_method  # type: ignore[attr-defined]
    setattr(instance, item.name, test_method)
    try:
        yield True
    finally:
        item.obj = item_obj  # type: ignore[attr-defined]
        vars(instance).pop(item.name, None)
