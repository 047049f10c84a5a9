from __future__ import annotations

import libcst as cst

from errguard.fixes import FixContext, Fixer, Replacements
from errguard.models import Violation


class FetchToCountFix(Fixer):
    """``len(qs)`` -> ``qs.count()``, ``bool(qs)`` -> ``qs.exists()``, ``if qs:`` ->
    ``if qs.exists():``."""

    code = "EG104"

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        data = violation.fix_data
        node = context.find_span(cst.BaseExpression, data["span"])  # type: ignore[type-abstract]
        if node is None:
            return None
        queryset = node
        wrapper = (
            node.func.value
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
            else ""
        )
        if wrapper in ("len", "bool") and isinstance(node, cst.Call) and len(node.args) == 1:
            queryset = node.args[0].value  # len(qs) -> qs.count(), bool(qs) -> qs.exists()
        method = cst.Attribute(
            value=queryset.with_changes(lpar=[], rpar=[]), attr=cst.Name(str(data["method"]))
        )
        return {node: cst.Call(func=method, lpar=node.lpar, rpar=node.rpar)}
