from __future__ import annotations

import libcst as cst

from errguard.fixes import FixContext, Fixer, Replacements
from errguard.models import Violation


class BareExceptFix(Fixer):
    """``except:`` -> ``except Exception:`` (``BaseException`` when the handler re-raises)."""

    code = "EG401"

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        handler = context.find(cst.ExceptHandler, violation.line, violation.column)
        if handler is None or handler.type is not None:
            return None
        replacement = cst.Name(str(violation.fix_data["replacement"]))
        fixed = handler.with_changes(
            type=replacement, whitespace_after_except=cst.SimpleWhitespace(" ")
        )
        return {handler: fixed}
