from __future__ import annotations

import pytest

from errguard.fixes import load_fixers
from errguard.registry import DOC_SECTIONS, RegistryError, Rule, load_rules

RULES = load_rules()


@pytest.mark.parametrize("code", list(RULES))
def test_rule_documents_every_section(code):
    documentation = RULES[code].documentation()
    for section in DOC_SECTIONS:
        assert f"## {section}\n" in documentation, f"{code} lacks '## {section}'"
    assert RULES[code].summary().endswith("."), "the summary line is a sentence"


@pytest.mark.parametrize("code", list(RULES))
def test_rule_has_valid_and_invalid_examples(code):
    rule = RULES[code]
    assert rule.VALID, f"{code} needs VALID examples (hard negatives)"
    assert rule.INVALID, f"{code} needs INVALID examples"


@pytest.mark.parametrize("code", list(RULES))
def test_fixable_rules_have_a_fixer_and_fixed_examples(code):
    rule = RULES[code]
    fixers = load_fixers()
    assert (rule.fix is not None) == (code in fixers)
    if rule.fix is not None:
        assert rule.fix_title, "fixable rules say what their fix does"
        assert any(example.fixed or example.unsafe_fixed for example in rule.INVALID)


def test_every_fixer_belongs_to_a_rule():
    assert set(load_fixers()) <= set(RULES)


def test_slugs_follow_module_names():
    assert RULES["EG401"].slug() == "bare-except"
    assert len({rule.slug() for rule in RULES.values()}) == len(RULES)


def test_duplicate_code_is_rejected():
    with pytest.raises(RegistryError, match="duplicate rule code EG401"):
        type("Impostor", (Rule,), {"code": "EG401", "message": "x", "__module__": "elsewhere"})


def test_malformed_code_is_rejected():
    with pytest.raises(RegistryError, match="not of the form EG123"):
        type("Bad", (Rule,), {"code": "E722", "message": "x"})


def test_visit_method_must_name_an_ast_node():
    rule_class = type("Typo", (Rule,), {"visit_Functiondef": lambda self, node, ctx: None})
    with pytest.raises(RegistryError, match="names no ast node type"):
        list(rule_class().visitors())
