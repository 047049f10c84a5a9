"""EG501: take an import out of the cycle.

``type-checking`` (safe): the import moves under ``if TYPE_CHECKING:`` (an existing block, or a
new one after the module's imports), with ``from typing import TYPE_CHECKING`` and
``from __future__ import annotations`` added when missing. ``defer`` (unsafe): the import moves
to the top of each function that uses it. The detector has checked that this is possible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import libcst as cst

from errguard.fixes import FixContext, Fixer, Replacement, Replacements
from errguard.models import Violation

_BLANK = (cst.EmptyLine(),)
_SPACEABLE = (cst.SimpleStatementLine, cst.If, cst.Try, cst.ClassDef, cst.FunctionDef)


class ImportCycleFix(Fixer):
    code = "EG501"

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        data = violation.fix_data
        statements = _top_level(context)
        target = statements.get(int(data["line"]))
        if not isinstance(target, cst.SimpleStatementLine):
            return None
        plan = _Plan()
        plan.remove(target)
        moved = target.with_changes(leading_lines=())
        if data["action"] == "defer":
            body = context.module.body
            if body[0] is target and len(body) > 1:  # the module starts with the next one now
                plan.changed[body[1]] = body[1].with_changes(leading_lines=())
            return _defer(context, plan, moved, data["anchors"])
        return _type_checking(plan, statements, moved, data)


class _Plan:
    """Statements to add before/after existing ones, and ones to remove; as replacements."""

    def __init__(self) -> None:
        self.before: defaultdict[cst.CSTNode, list[cst.CSTNode]] = defaultdict(list)
        self.after: defaultdict[cst.CSTNode, list[cst.CSTNode]] = defaultdict(list)
        self.removed: set[cst.CSTNode] = set()
        self.changed: dict[cst.CSTNode, cst.CSTNode] = {}
        # Added statements that want a blank line after them (``from __future__``).
        self.spaced: set[cst.CSTNode] = set()

    def remove(self, node: cst.CSTNode) -> None:
        self.removed.add(node)

    def replacements(self) -> dict[cst.CSTNode, Replacement]:
        result: dict[cst.CSTNode, Replacement] = {}
        for node in {*self.before, *self.after, *self.removed, *self.changed}:
            kept = [] if node in self.removed else [self.changed.get(node, node)]
            nodes = [*self.before[node], *kept, *self.after[node]]
            for index in range(1, len(nodes)):
                current = nodes[index]
                if nodes[index - 1] in self.spaced and isinstance(current, _SPACEABLE):
                    nodes[index] = current.with_changes(leading_lines=_BLANK)
            result[node] = cst.FlattenSentinel(nodes) if nodes else cst.RemoveFromParent()
        return result


def _top_level(context: FixContext) -> dict[int, cst.CSTNode]:
    return {context.positions[s].start.line: s for s in context.module.body}


def _defer(
    context: FixContext, plan: _Plan, moved: cst.SimpleStatementLine, anchors: Sequence[Any]
) -> Replacements | None:
    for line, column in anchors:
        anchor = context.find(cst.BaseStatement, line, column)  # type: ignore[type-abstract]
        if anchor is None or anchor in plan.removed:
            return None
        plan.before[anchor].append(moved)
    return plan.replacements()


def _type_checking(
    plan: _Plan,
    statements: dict[int, cst.CSTNode],
    moved: cst.SimpleStatementLine,
    data: Any,
) -> Replacements | None:
    block = statements.get(int(data["block"])) if data["block"] else None
    if isinstance(block, cst.If) and isinstance(block.body, cst.IndentedBlock):
        body = block.body.with_changes(body=[*block.body.body, moved])
        plan.changed[block] = block.with_changes(body=body)
    else:
        anchor = statements.get(int(data["anchor"]))
        if anchor is None:
            return None
        test = cst.parse_expression(str(data["test"]))
        new_block = cst.If(test=test, body=cst.IndentedBlock([moved]), leading_lines=_BLANK)
        added: list[cst.BaseStatement] = []
        if data["add_typing"]:
            added.append(cst.parse_statement("from typing import TYPE_CHECKING\n"))
        plan.after[anchor].extend([*added, new_block])
    if data["add_future"]:
        first = statements.get(int(data["first"]))
        if not isinstance(first, _SPACEABLE):
            return None
        # The added import takes the lines above the first statement (after the docstring).
        future = cst.parse_statement("from __future__ import annotations\n")
        plan.before[first].insert(0, future.with_changes(leading_lines=first.leading_lines))
        plan.spaced.add(plan.before[first][0])
        if first not in plan.removed:
            plan.changed[first] = plan.changed.get(first, first).with_changes(leading_lines=())
    return plan.replacements()
