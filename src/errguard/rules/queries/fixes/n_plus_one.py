from __future__ import annotations

import libcst as cst

from errguard.fixes import FixContext, Fixer, Replacements
from errguard.models import Violation


class NPlusOneFix(Fixer):
    """Add ``.select_related(...)``/``.prefetch_related(...)`` to the queryset a loop iterates."""

    code = "EG101"

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        data = violation.fix_data
        expression = context.find_span(cst.BaseExpression, data["span"])  # type: ignore[type-abstract]
        if expression is None:
            return None
        return {expression: add_loading_call(expression, str(data["method"]), str(data["lookup"]))}


def _string(lookup: str, like: cst.BaseExpression) -> cst.SimpleString:
    """The lookup as a string literal, quoted like the strings already in the chain."""
    quote = '"'
    strings = [
        argument.value
        for call in _chain_calls(like)
        for argument in call.args
        if isinstance(argument.value, cst.SimpleString) and len(argument.value.quote) == 1
    ]
    if strings:
        quote = strings[-1].quote
    return cst.SimpleString(f"{quote}{lookup}{quote}")


def _chain_calls(expression: cst.BaseExpression) -> list[cst.Call]:
    calls = []
    node: cst.BaseExpression = expression
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        calls.append(node)
        node = node.func.value
    return calls


def _with_argument(call: cst.Call, value: cst.SimpleString) -> cst.Call:
    args = list(call.args)
    if not args:
        return call.with_changes(args=[cst.Arg(value)])
    last = args[-1]
    if isinstance(last.comma, cst.Comma):  # a trailing comma: keep the one-per-line layout
        separator = (
            args[-2].comma
            if len(args) > 1 and isinstance(args[-2].comma, cst.Comma)
            else last.comma
        )
        args[-1] = last.with_changes(
            comma=last.comma.with_changes(whitespace_after=separator.whitespace_after)
        )
        args.append(cst.Arg(value, comma=last.comma))
    else:
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(cst.Arg(value))
    return call.with_changes(args=args)


def add_loading_call(
    expression: cst.BaseExpression, method: str, lookup: str
) -> cst.BaseExpression:
    value = _string(lookup, expression)
    for call in _chain_calls(expression):
        assert isinstance(call.func, cst.Attribute)
        if call.func.attr.value == method:
            replaced = expression.deep_replace(call, _with_argument(call, value))
            assert isinstance(replaced, cst.BaseExpression)
            return replaced
    if (
        isinstance(expression, cst.Call)
        and isinstance(expression.func, cst.Attribute)
        and expression.func.attr.value == "all"
        and not expression.args
        and not isinstance(expression.func.value, cst.Call)
    ):
        # Manager.all() -> Manager.select_related("x"): the same queryset, one call shorter.
        return expression.with_changes(
            func=expression.func.with_changes(attr=cst.Name(method)), args=[cst.Arg(value)]
        )
    return cst.Call(
        func=cst.Attribute(value=expression, attr=cst.Name(method)), args=[cst.Arg(value)]
    )
