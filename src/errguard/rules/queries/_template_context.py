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
from errguard.rules.queries._bindings import Binding, QuerySet
from errguard.rules.queries._querysets import Resolver

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
# Queryset methods a template can call (no arguments) that keep the rows and their loading.
_ROW_METHODS = frozenset({"all", "distinct"})
# The name a context object gets while its relation in a template loop is resolved.
_OWNER = "<context object>"


@dataclass(frozen=True)
class Context:
    """A render call's context: each key's expression, and the bindings at the call."""

    values: Mapping[str, ast.expr]
    env: Mapping[str, Binding]


@dataclass(frozen=True)
class RenderCall:
    """A call that renders a template named by a literal, with the context it passes."""

    call: ast.Call
    template: str
    context: ast.expr | None


def render_calls(function: Function) -> Iterator[RenderCall]:
    loaded = _loaded_templates(function)
    for node in walk_scope(function):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "render":
            # ``get_template("x.html").render(context, request)``, or through a variable.
            name = _get_template(func.value)
            if name is None and isinstance(func.value, ast.Name):
                name = loaded.get(func.value.id)
            if name is not None:
                yield RenderCall(node, name, _argument(node, 0, "context"))
                continue
        if last_part(dotted_name(func)) in _RENDERERS:
            position, context = _RENDERERS[last_part(dotted_name(func))]
            name = _literal(_argument(node, position, "template_name"))
            name = name or _literal(_argument(node, position, "template"))
            if name is not None:
                yield RenderCall(node, name, _argument(node, context, "context"))


def _loaded_templates(function: Function) -> dict[str, str]:
    """Names bound once, in this function, to ``get_template("literal")``."""
    bound: dict[str, str | None] = {}
    for node in walk_scope(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    name = _get_template(node.value)
                    bound[target.id] = name if target.id not in bound else None
    return {variable: name for variable, name in bound.items() if name is not None}


def _get_template(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call) and last_part(dotted_name(node.func)) == "get_template":
        return _literal(node.args[0]) if len(node.args) == 1 else None
    return None


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def context_at(function: Function, render: RenderCall, resolver: Resolver) -> Context | None:
    """The render call's context dict and what each local name holds when it runs.

    Statements before the call are read in source order; a name bound to something unknown
    forgets what it held.
    """
    call, argument = render.call, render.context
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
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        helper = resolver.helpers.get(node.func.id)
        if helper is not None:
            return resolver.returned_queryset(helper, _arguments(helper, node, env, resolver))
    return None


def _arguments(
    helper: ast.FunctionDef, call: ast.Call, env: Mapping[str, Binding], resolver: Resolver
) -> dict[str, Binding]:
    """What a same-module helper's parameters hold in this call: the rows and querysets the
    view passes it (``_replies(request, thread)`` where ``thread`` is a fetched row)."""
    parameters = [argument.arg for argument in (*helper.args.posonlyargs, *helper.args.args)]
    passed = dict(zip(parameters, call.args, strict=False))
    passed.update((k.arg, k.value) for k in call.keywords if k.arg in parameters)
    bound: dict[str, Binding] = {}
    for name, value in passed.items():
        found = resolver.queryset(value, env) or resolver.row(value, env)
        if found is not None:
            bound[name] = found
    return bound


def related_rows(
    value: ast.expr, through: tuple[str, ...], env: Mapping[str, Binding], resolver: Resolver
) -> QuerySet | None:
    """The rows of ``{% for x in obj.relation.all %}`` (or ``.distinct``) over a context
    object: its related manager, as a queryset of the view's code would be."""
    if len(through) > 2 or (len(through) == 2 and through[1] not in _ROW_METHODS):
        return None
    owner = resolver.row(value, env) or rows_of(value, env, resolver)
    if owner is None:
        return None
    node: ast.expr = ast.Attribute(ast.Name(_OWNER, ast.Load()), through[0], ast.Load())
    if len(through) == 2:
        node = ast.Call(ast.Attribute(node, through[1], ast.Load()), [], [])
    related = resolver.queryset(node, {_OWNER: owner})
    return related if related is not None and related.rows == "instances" else None


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else last_part(dotted_name(func))
