"""Every rule's VALID/INVALID examples, run through the detector and the fixer."""

from __future__ import annotations

import ast

import pytest

from errguard.registry import load_rules
from tests.example_harness import findings, fixed_text

RULES = load_rules()
VALID = [
    pytest.param(rule, example, id=f"{code}-valid-{index}")
    for code, rule in RULES.items()
    for index, example in enumerate(rule.VALID)
]
INVALID = [
    pytest.param(rule, example, id=f"{code}-invalid-{index}")
    for code, rule in RULES.items()
    for index, example in enumerate(rule.INVALID)
]


@pytest.mark.parametrize(("rule", "example"), VALID)
def test_valid_example_is_not_flagged(rule, example, tmp_path):
    assert findings(rule, example, tmp_path if example.files else None) == []


@pytest.mark.parametrize(("rule", "example"), VALID)
def test_fix_leaves_valid_example_alone(rule, example, tmp_path):
    root = tmp_path if example.files else None
    assert fixed_text(rule, example, unsafe=True, root=root) == example.source


@pytest.mark.parametrize(("rule", "example"), INVALID)
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


@pytest.mark.parametrize(("rule", "example"), INVALID)
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
