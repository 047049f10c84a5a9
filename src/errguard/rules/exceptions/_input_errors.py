"""Handlers whose exception can only describe the client's own input, for EG404.

A ``try`` that does nothing but convert or parse request data, or look objects up with a
lookup dict, raises errors whose text is about that data (``invalid literal for int() with
base 10: 'x'``, ``Cannot resolve keyword 'colour' into field``), not about the server.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from errguard.astutil import dotted_name, last_part

# Conversions of client input: their errors describe the value converted.
_PARSERS = frozenset(
    {"int", "float", "Decimal", "UUID", "fromisoformat", "strptime", "parse_date",
     "parse_datetime", "parse_duration", "loads", "bool", "complex", "date", "datetime", "time",
     "isinstance"}
)  # fmt: skip
# Functions named for converting a value (``parse_config``, ``cast_bool``): what they raise is
# about the value they were given.
_PARSER_PREFIXES = ("parse", "cast_")
# A validator's ``ValueError`` is its verdict on the value (``jsonschema.validate``); its
# ``Exception`` may be anything (``storage.validate_connection()`` fails on the network).
_VALIDATOR_PREFIX = "validate"
# Reads of the input (``request.GET.get``, ``value.strip()``); allowed with a narrow ``except``
# only, since ``.get`` may also be a database or cache read.
_INPUT_READS = frozenset({"get", "getlist", "strip", "lower", "upper", "split", "pop"})
_PARSE_ERRORS = frozenset({"ValueError", "TypeError", "InvalidOperation", "JSONDecodeError"})
_BROAD = frozenset({"Exception", "BaseException"})
# Where a Django or DRF view reads what the client sent.
_REQUEST_DATA = frozenset(
    {"GET", "POST", "FILES", "body", "data", "query_params", "COOKIES", "headers", "META"}
)
_LOOKUPS = frozenset({"get", "filter", "exclude", "get_or_create"})
_STATEMENTS = (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr, ast.If)


def describes_input(
    handler: ast.ExceptHandler, body: list[ast.stmt], user_facing: Callable[[ast.expr], bool]
) -> bool:
    """Whether the exception ``handler`` binds can only be about the client's input.

    Caught classes that ``user_facing`` accepts carry client text anyway; the others must be
    conversion errors or, when the ``try`` only converts values, ``Exception``.
    """
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = {last_part(dotted_name(node)) for node in caught if node is not None}
    others = {last_part(dotted_name(node)) for node in caught if node and not user_facing(node)}
    if not names or not body or not all(isinstance(stmt, _STATEMENTS) for stmt in body):
        return False
    calls = [node for stmt in body for node in ast.walk(stmt) if isinstance(node, ast.Call)]
    if not calls:
        return False
    if names == {"FieldError"}:
        return all(_dynamic_lookup(call) for call in calls)
    if others <= _PARSE_ERRORS:
        return all(_converts(call) or _reads_input(call) or _validates(call) for call in calls)
    if others <= _BROAD:
        return all(_converts(call) for call in calls)
    return False


def _converts(call: ast.Call) -> bool:
    name = last_part(dotted_name(call.func))
    if name in _PARSERS or name.startswith(_PARSER_PREFIXES):
        return True
    # ``IPAddress(request.GET["ip"])``: a constructor applied to request data only.
    arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
    return bool(arguments) and all(_is_request_data(argument) for argument in arguments)


def _validates(call: ast.Call) -> bool:
    return last_part(dotted_name(call.func)).startswith(_VALIDATOR_PREFIX)


def _reads_input(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in _INPUT_READS


def _is_request_data(node: ast.AST) -> bool:
    """``request.GET["ip"]``, ``self.request.query_params.get("ip", default)``."""
    while isinstance(node, (ast.Call, ast.Subscript, ast.Attribute)):
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif node.attr in _REQUEST_DATA and last_part(dotted_name(node.value)) == "request":
            return True
        else:
            node = node.value
    return False


def _dynamic_lookup(call: ast.Call) -> bool:
    """``queryset.get(**params)``: a ``FieldError`` names the lookup's unknown key."""
    return (
        isinstance(call.func, ast.Attribute)
        and call.func.attr in _LOOKUPS
        and not call.args
        and bool(call.keywords)
        and all(keyword.arg is None for keyword in call.keywords)
    )
