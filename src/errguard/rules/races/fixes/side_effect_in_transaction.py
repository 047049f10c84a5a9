from __future__ import annotations

import libcst as cst

from errguard.fixes import FixContext, Fixer, Replacements
from errguard.models import Violation
from errguard.rules._shared.fix_imports import add_import


class SideEffectInTransactionFix(Fixer):
    """``send(x)`` -> ``transaction.on_commit(lambda: send(x))``, or with
    ``functools.partial(send, x)`` where a lambda would see names change (the detector says)."""

    code = "EG203"

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        call = context.find_span(cst.Call, violation.fix_data["span"])
        if call is None:
            return None
        expression = context.parents.get(call)
        if not isinstance(expression, cst.Expr):
            return None
        wrap = str(violation.fix_data["wrap"])
        callback: cst.BaseExpression
        if wrap == "lambda":
            callback = cst.Lambda(params=cst.Parameters(), body=call)
        else:
            callback = _partial(wrap, call)
        on_commit = cst.Call(
            func=cst.parse_expression("transaction.on_commit"), args=[cst.Arg(callback)]
        )
        replacements: Replacements = {expression: expression.with_changes(value=on_commit)}
        statement = str(violation.fix_data.get("import") or "")
        return add_import(context, statement, replacements) if statement else replacements


def _partial(name: str, call: cst.Call) -> cst.Call:
    """``partial(func, *args)``: the arguments are evaluated now, the call made later."""
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if call.args else None
    first = cst.Arg(call.func, comma=comma or cst.MaybeSentinel.DEFAULT)
    return call.with_changes(func=cst.parse_expression(name), args=[first, *call.args])
