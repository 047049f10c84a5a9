"""The queries family's examples (EG101-EG103) through detector and fixer (``tests/rules/examples.py``)."""

from __future__ import annotations

from tests.rules.examples import *  # noqa: F403  (the four example tests, for this folder)
