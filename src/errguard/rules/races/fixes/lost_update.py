from __future__ import annotations

import libcst as cst

from errguard.fixes import FixContext, Fixer, Replacement, Replacements
from errguard.models import Violation
from errguard.rules._shared.fix_imports import add_import


class LostUpdateFix(Fixer):
    """``obj.f += x`` -> ``obj.f = F("f") + x`` for each field of the race, refreshing the
    instance after save() if it is used again."""

    code = "EG202"

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        data = violation.fix_data
        changes, save_span = data.get("changes"), data.get("save_span")
        if not changes or save_span is None:
            return None
        replacements: dict[cst.CSTNode, Replacement] = {}
        for change_data in changes:
            span = change_data["span"]
            change = context.statement_at(span[0], span[1])
            if not isinstance(change, cst.SimpleStatementLine) or len(change.body) != 1:
                return None
            new = cst.parse_statement(f"{change_data['replacement']}\n")
            assert isinstance(new, cst.SimpleStatementLine)
            replacements[change] = new.with_changes(
                leading_lines=change.leading_lines, trailing_whitespace=change.trailing_whitespace
            )
        if data.get("refresh"):
            save = context.statement_at(save_span[0], save_span[1])
            if save is None:
                return None
            refresh = cst.parse_statement(f"{data['refresh']}\n")
            replacements[save] = cst.FlattenSentinel([save, refresh])
        if data.get("import"):
            return add_import(context, str(data["import"]), replacements)
        return replacements
