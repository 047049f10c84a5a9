"""The examples of the rules outside the families (EG001), and that every rule's are run."""

from __future__ import annotations

from pathlib import Path

from errguard.registry import load_rules
from tests.rules.examples import *  # noqa: F403  (the four example tests, for EG001)
from tests.rules.examples import family_of_rule


def test_every_family_has_its_example_tests():
    families = {family_of_rule(rule) for rule in load_rules().values()} - {None}
    here = Path(__file__).parent
    assert families == {"queries", "races", "resources", "exceptions", "imports"}
    missing = [f for f in sorted(families) if not (here / f / "test_examples.py").is_file()]
    assert missing == []
