from __future__ import annotations

from errguard.fixes import FixContext, Fixer, Replacements
from errguard.models import Violation
from errguard.rules.resources.fixes._resources import fix_resource


class UnclosedCursorFix(Fixer):
    """Move a cursor's uses into ``with connection.cursor() as cursor:`` (DB-API: ``closing()``)."""

    code = "EG301"

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        return fix_resource(context, violation.fix_data)
