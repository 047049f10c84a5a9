"""Every rule's VALID/INVALID examples, run through the detector and the fixer.

Each family's ``tests/rules/<family>/test_examples.py`` imports these tests, and
``tests/rules/conftest.py`` gives them the examples of that family's rules (those of a rule
outside the families, EG001, in ``tests/rules/test_examples.py``): ``pytest
tests/rules/queries`` runs the queries family's examples alone, and every rule's run once.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import pytest

from errguard.registry import RULES_PACKAGE, Rule, load_rules
from tests.example_harness import findings, fixed_text

TestFunction = Callable[..., None]
__all__ = [  # what each folder's test_examples.py collects
    "test_fix_leaves_valid_example_alone",
    "test_fix_of_invalid_example",
    "test_invalid_example_is_flagged",
    "test_valid_example_is_not_flagged",
]


def family_of_rule(rule: type[Rule]) -> str | None:
    """``queries`` for ``errguard.rules.queries.n_plus_one``; None for a rule outside them."""
    parts = rule.__module__.removeprefix(f"{RULES_PACKAGE}.").split(".")
    return parts[0] if len(parts) > 1 else None


def family_of_test_module(name: str) -> str | None:
    """``queries`` for ``tests.rules.queries.test_examples``; None for ``tests.rules.test_examples``."""
    parts = name.split(".")
    return parts[2] if len(parts) > 3 else None


def examples(family: str | None, kind: str) -> list[Any]:
    """The ``VALID`` or ``INVALID`` examples of the family's rules, as (rule, example) params."""
    return [
        pytest.param(rule, example, id=f"{code}-{kind.lower()}-{index}")
        for code, rule in load_rules().items()
        if family_of_rule(rule) == family
        for index, example in enumerate(getattr(rule, kind))
    ]


def of(kind: str) -> Callable[[TestFunction], TestFunction]:
    """Mark a test as taking (rule, example) from the rules' ``kind`` examples (conftest.py)."""

    def mark(test: TestFunction) -> TestFunction:
        test.examples = kind
        return test

    return mark


@of("VALID")
def test_valid_example_is_not_flagged(rule, example, tmp_path):
    assert findings(rule, example, tmp_path if example.files else None) == []


@of("VALID")
def test_fix_leaves_valid_example_alone(rule, example, tmp_path):
    root = tmp_path if example.files else None
    assert fixed_text(rule, example, unsafe=True, root=root) == example.source


@of("INVALID")
def test_invalid_example_is_flagged(rule, example, tmp_path):
    found = findings(rule, example, tmp_path if example.files else None)
    assert len(found) == example.count, found
    first = found[0]
    if example.line is not None:
        assert first.line == example.line, first
    if example.column is not None:
        assert first.column == example.column, first
    if example.message is not None:
        assert first.message == example.message
    assert first.end_line >= first.line
    if rule.fix is None:
        assert first.fix is None


@of("INVALID")
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_fix_of_invalid_example(rule, example, unsafe, tmp_path):
    root = tmp_path if example.files else None
    expected = example.expected_unsafe_fixed if unsafe else example.expected_fixed
    result = fixed_text(rule, example, unsafe=unsafe, root=root)
    if expected is None:
        assert result == example.source, "no fix of this tier may change this example"
        return
    assert result == expected
    ast.parse(result)
    # Idempotent: fixing the fixed code changes nothing.
    again = type(example)(result, options=example.options, files=example.files)
    assert fixed_text(rule, again, unsafe=unsafe, root=root) == result
