from __future__ import annotations

import libcst as cst

from errguard.fixes import FixContext, Fixer, Replacements
from errguard.models import Violation

_STATEMENTS = (cst.SimpleStatementLine, cst.If, cst.Try)


class CheckThenCreateFix(Fixer):
    """Replace the check and the create with the get_or_create() the detector wrote."""

    code = "EG201"

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        spans = violation.fix_data["spans"]
        statements = [context.statement_at(span[0], span[1]) for span in spans]
        if not statements or any(s is None for s in statements):
            return None
        first, *rest = [s for s in statements if isinstance(s, _STATEMENTS)]
        if len(rest) + 1 != len(statements):
            return None
        # Comments inside what is replaced would be lost; only the leading ones move over.
        if _has_comment(first.with_changes(leading_lines=[])) or any(map(_has_comment, rest)):
            return None
        replacement = cst.parse_statement(str(violation.fix_data["replacement"]))
        replacements: dict[cst.CSTNode, cst.CSTNode | cst.RemovalSentinel] = {
            first: replacement.with_changes(leading_lines=first.leading_lines)
        }
        replacements.update(dict.fromkeys(rest, cst.RemoveFromParent()))
        return replacements


def _has_comment(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Comment) or any(_has_comment(child) for child in node.children)
