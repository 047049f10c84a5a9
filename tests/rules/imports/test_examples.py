"""The imports family's examples (EG501-EG502) through detector and fixer (``tests/rules/examples.py``)."""

from __future__ import annotations

from tests.rules.examples import (
    test_fix_leaves_valid_example_alone,
    test_fix_of_invalid_example,
    test_invalid_example_is_flagged,
    test_valid_example_is_not_flagged,
)

__all__ = [
    "test_fix_leaves_valid_example_alone",
    "test_fix_of_invalid_example",
    "test_invalid_example_is_flagged",
    "test_valid_example_is_not_flagged",
]
