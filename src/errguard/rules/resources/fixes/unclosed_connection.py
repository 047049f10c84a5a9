from __future__ import annotations

from errguard.fixes import FixContext, Fixer, Replacements
from errguard.models import Violation
from errguard.rules.resources.fixes._resources import fix_resource


class UnclosedConnectionFix(Fixer):
    """Close a DB-API connection with ``with contextlib.closing(connect(...)) as conn:``."""

    code = "EG302"

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        return fix_resource(context, violation.fix_data)
