from __future__ import annotations

from errguard.fixes import FixContext, Fixer, Replacements
from errguard.fixes._resources import fix_resource
from errguard.models import Violation


class UnclosedConnectionFix(Fixer):
    """Close a DB-API connection with ``with contextlib.closing(connect(...)) as conn:``."""

    code = "EG302"

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        return fix_resource(context, violation.fix_data)
