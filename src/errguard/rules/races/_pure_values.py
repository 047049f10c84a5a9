"""Expressions that cost nothing to evaluate and change nothing: safe to evaluate more often.

``get_or_create(..., defaults={...})`` evaluates every default on every call, also when the row
exists, where ``if not exists: create(x=call())`` ran ``call()`` only when it created the row.
Moving an expression into ``defaults`` keeps behaviour only when evaluating it has no effect.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from errguard.astutil import qualified_name

# Builtins and standard constructors that only build a value from their arguments.
_PURE_CALLS = frozenset(
    {
        *("bool", "bytes", "dict", "float", "frozenset", "int", "len", "list", "set", "str"),
        *("tuple", "decimal.Decimal", "datetime.date", "datetime.datetime", "datetime.timedelta"),
        *("django.utils.timezone.now", "datetime.datetime.now", "datetime.date.today"),
        *("uuid.uuid4", "django.utils.translation.gettext_lazy"),
    }
)
# String methods: no receiver worth naming gives these names a side effect.
_PURE_METHODS = frozenset(
    {"capitalize", "casefold", "format", "join", "lower", "lstrip", "replace", "rstrip"}
    | {"split", "strip", "title", "upper"}
)
_PURE_NODES = (
    ast.Constant,
    ast.Name,
    ast.Attribute,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Tuple,
    ast.List,
    ast.Set,
    ast.Dict,
    ast.Subscript,
    ast.Slice,
    ast.Starred,
    ast.keyword,
    ast.expr_context,
    ast.operator,
    ast.unaryop,
    ast.boolop,
    ast.cmpop,
)


def is_pure(node: ast.expr, imports: Mapping[str, str]) -> bool:
    """Whether evaluating ``node`` once more has no effect: it calls nothing but pure constructors.

    Reads (names, attributes, subscripts, arithmetic) count as pure; any other call may write,
    send or charge something (a customer created at a payment provider, a mail, a query).
    """
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            if not _pure_call(child, imports):
                return False
        elif not isinstance(child, _PURE_NODES):
            return False
    return True


def _pure_call(call: ast.Call, imports: Mapping[str, str]) -> bool:
    if qualified_name(call.func, imports) in _PURE_CALLS:
        return True
    return isinstance(call.func, ast.Attribute) and call.func.attr in _PURE_METHODS
