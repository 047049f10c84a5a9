from __future__ import annotations

import libcst as cst

from errguard.fixes import FixContext, Fixer, Replacements
from errguard.models import Violation


class UnusedNoqaFix(Fixer):
    """Rewrite the comment as the detector decided; an emptied one goes, with its line when it
    stood alone."""

    code = "EG002"

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        line, column = violation.fix_data["comment"]
        comment = context.find(cst.Comment, line, column)
        if comment is None:
            return None
        replacement = str(violation.fix_data["replacement"])
        if replacement:
            return {comment: cst.Comment(replacement)}
        holder = context.parents.get(comment)
        if isinstance(holder, cst.TrailingWhitespace):
            return {holder: holder.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)}
        if isinstance(holder, cst.EmptyLine):
            return {holder: cst.RemoveFromParent()}
        return None
