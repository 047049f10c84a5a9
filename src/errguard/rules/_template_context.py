"""The render calls EG103 follows into templates, and what each context variable holds.

``render()``, ``TemplateResponse`` and ``render_to_string()`` with a literal template name and a
dict context (written in the call or built in a local variable before it). A context value is
resolved with the bindings of the statements before the call, read in source order: a
queryset, a page of one (a pager keeps the rows it is given), or a fetched row whose related
manager a template loop iterates.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from errguard.astutil import dotted_name, last_part, walk_scope
from errguard.registry import Function
from errguard.rules._bindings import Binding, QuerySet
from errguard.rules._querysets import Resolver

# Where each renderer takes the template name and the context, by position and keyword.
_RENDERERS: Mapping[str, tuple[int, int]] = {
    "render": (1, 2),
    "TemplateResponse": (1, 2),
    "SimpleTemplateResponse": (0, 1),
    "render_to_response": (0, 1),
    "render_to_string": (0, 1),
}
# A pager keeps the rows of the queryset it is given: Django's and the usual project helper.
_PAGERS = frozenset({"paginate", "get_page", "page"})
# The name a context object gets while its relation in a template loop is resolved.
_OWNER = "<context object>"


@dataclass(frozen=True)
class Context:
    """A render call's context: each key's expression, and the bindings at the call."""

    values: Mapping[str, ast.expr]
    env: Mapping[str, Binding]


def render_calls(function: Function) -> Iterator[ast.Call]:
    for node in walk_scope(function):
        if isinstance(node, ast.Call) and last_part(dotted_name(node.func)) in _RENDERERS:
            yield node


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def template_name(call: ast.Call) -> str | None:
    position, _ = _RENDERERS[last_part(dotted_name(call.func))]
    name = _argument(call, position, "template_name")
    if name is None:
        name = _argument(call, position, "template")
    if isinstance(name, ast.Constant) and isinstance(name.value, str):
        return name.value
    return None


def context_at(function: Function, call: ast.Call, resolver: Resolver) -> Context | None:
    """The render call's context dict and what each local name holds when it runs.

    Statements before the call are read in source order; a name bound to something unknown
    forgets what it held.
    """
    _, position = _RENDERERS[last_part(dotted_name(call.func))]
    argument = _argument(call, position, "context")
    env: dict[str, Binding] = {}
    dicts: dict[str, dict[str, ast.expr]] = {}
    before = sorted(
        (n for n in walk_scope(function) if isinstance(n, ast.Assign) and n.lineno < call.lineno),
        key=lambda n: (n.lineno, n.col_offset),
    )
    for assign in before:
        _bind(assign, env, dicts, resolver)
    if isinstance(argument, ast.Dict):
        values = _dict_values(argument)
    elif isinstance(argument, ast.Name) and argument.id in dicts:
        values = dicts[argument.id]
    else:
        return None
    return Context(values, env)


def _bind(
    assign: ast.Assign,
    env: dict[str, Binding],
    dicts: dict[str, dict[str, ast.expr]],
    resolver: Resolver,
) -> None:
    if len(assign.targets) != 1:
        return
    target, value = assign.targets[0], assign.value
    if isinstance(target, ast.Name):
        dicts.pop(target.id, None)
        if isinstance(value, ast.Dict):
            dicts[target.id] = _dict_values(value)
        env[target.id] = rows_of(value, env, resolver) or resolver.row(value, env)
    elif (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and target.value.id in dicts
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
    ):
        dicts[target.value.id][target.slice.value] = value


def _dict_values(node: ast.Dict) -> dict[str, ast.expr]:
    return {
        key.value: value
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }


def rows_of(node: ast.expr, env: Mapping[str, Binding], resolver: Resolver) -> QuerySet | None:
    """The queryset whose rows iterating ``node`` yields: a queryset, or a page of one."""
    rows = resolver.queryset(node, env)
    if rows is not None:
        return rows
    if isinstance(node, ast.Call) and _called_name(node) in _PAGERS:
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
            paged = func.value  # Paginator(queryset, per_page).get_page(number)
            if _called_name(paged) == "Paginator" and paged.args:
                return resolver.queryset(paged.args[0], env)
        if node.args:  # paginate(queryset, page): a project helper
            return resolver.queryset(node.args[0], env)
    return None


def related_rows(
    value: ast.expr, through: tuple[str, ...], env: Mapping[str, Binding], resolver: Resolver
) -> QuerySet | None:
    """The rows of ``{% for x in obj.relation %}`` (or ``.all``) over a context object: its
    related manager, as a queryset of the view's code would be."""
    if len(through) > 2 or (len(through) == 2 and through[1] != "all"):
        return None
    owner = resolver.row(value, env) or rows_of(value, env, resolver)
    if owner is None:
        return None
    node: ast.expr = ast.Attribute(ast.Name(_OWNER, ast.Load()), through[0], ast.Load())
    if len(through) == 2:
        node = ast.Call(ast.Attribute(node, "all", ast.Load()), [], [])
    related = resolver.queryset(node, {_OWNER: owner})
    return related if related is not None and related.rows == "instances" else None


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else last_part(dotted_name(func))
