from __future__ import annotations

from tests.rules.examples import examples, family_of_test_module


def pytest_generate_tests(metafunc):
    """The example tests take the examples of the family whose folder imports them."""
    kind = getattr(metafunc.function, "examples", None)
    if kind is not None:
        family = family_of_test_module(metafunc.module.__name__)
        metafunc.parametrize(("rule", "example"), examples(family, kind))
