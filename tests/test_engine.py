from __future__ import annotations

import ast

from errguard.detect.engine import Engine
from errguard.detect.source import SourceFile
from errguard.registry import Rule

SOURCE = """
def outer():
    try:
        value = compute(nested(1))
    except ValueError:
        value = [helper(x) for x in range(3)]
    return value
"""


def _unregistered(name, body):
    """A rule class with a code, defined without joining the global registry."""
    rule = type(name, (Rule,), {"message": "seen {what}", **body})
    rule.code = "EG998"
    return rule


def _run(rule_class, source=SOURCE):
    engine = Engine([rule_class()])
    return engine.check(SourceFile.from_text(source, "m.py")).violations


def test_rule_dispatching_on_expressions_sees_nested_calls():
    def visit_Call(self, node, ctx):
        self.report(ctx, node, what=ast.unparse(node.func))

    found = _run(_unregistered("Calls", {"visit_Call": visit_Call}))
    assert sorted(v.message for v in found) == [
        "seen compute",
        "seen helper",
        "seen nested",
        "seen range",
    ]


def test_statement_rules_see_every_statement_level_node():
    def visit_ExceptHandler(self, node, ctx):
        self.report(ctx, node, what="handler")

    def visit_Return(self, node, ctx):
        self.report(ctx, node, what="return")

    body = {"visit_ExceptHandler": visit_ExceptHandler, "visit_Return": visit_Return}
    found = _run(_unregistered("Statements", body))
    assert [(v.line, v.message) for v in found] == [(5, "seen handler"), (7, "seen return")]


def test_rule_whose_triggers_are_absent_is_not_run():
    def visit_Return(self, node, ctx):
        self.report(ctx, node, what="return")

    present = _unregistered("Present", {"visit_Return": visit_Return, "triggers": (b"nested",)})
    absent = _unregistered("Absent", {"visit_Return": visit_Return, "triggers": (b"missing",)})
    assert len(_run(present)) == 1
    assert _run(absent) == []
