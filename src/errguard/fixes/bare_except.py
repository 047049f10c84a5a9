from __future__ import annotations

from typing import cast

import libcst as cst

from errguard.fixes import Fixer, Positions, node_at
from errguard.models import Violation


class BareExceptFix(Fixer):
    """``except:`` -> ``except Exception:`` (``BaseException`` when the handler re-raises)."""

    code = "EG401"

    def fix(
        self, module: cst.Module, positions: Positions, violation: Violation
    ) -> cst.Module | None:
        handler = node_at(positions, cst.ExceptHandler, violation.line, violation.column)
        if handler is None or handler.type is not None:
            return None
        replacement = cst.Name(str(violation.fix_data["replacement"]))
        fixed = handler.with_changes(
            type=replacement, whitespace_after_except=cst.SimpleWhitespace(" ")
        )
        return cast(cst.Module, module.deep_replace(handler, fixed))
