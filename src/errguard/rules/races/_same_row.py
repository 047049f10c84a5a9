"""Whether a check and a create are about the same row, and whether that row is unique.

A check-then-create races only when the create makes the row the check looked for. It does not
when the check matches a range (``expires__gt=now``), when the create writes a value the lookup
excludes (``state__in=(A, B)`` then ``state=C``), when ``first()`` picks any row of a set that
is not unique in the model (``filter(event=self).first()``, then ``create(event=self,
name="Talk")``), and when the looked-up value is a row made earlier in the same call.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from errguard.astutil import SCOPE_NODES, last_part, qualified_name, walk_scope
from errguard.detect.context import FileContext
from errguard.project.models.index import ModelInfo
from errguard.rules.races._races import ManagerChain, base_field, keyword_map

_RANGE_LOOKUPS = frozenset({"gt", "gte", "lt", "lte", "range"})


def not_the_same_row(
    chain: ManagerChain, create: ast.Call, function: ast.AST, check: ast.AST, ctx: FileContext
) -> bool:
    lookup = chain.lookup() or {}
    return (
        any(key.rpartition("__")[2] in _RANGE_LOOKUPS for key in lookup if "__" in key)
        or _writes_excluded_value(lookup, create)
        or _any_of_a_set(chain, _chain_model(chain, function, ctx), create, lookup)
        or _made_in_this_call(lookup, function, check, ctx)
    )


def _constant(node: ast.expr) -> bool:
    """A literal or a named constant (``OrderRefund.STATE_EXTERNAL``)."""
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.Attribute) and node.attr.isupper()


def _writes_excluded_value(lookup: dict[str, ast.expr], create: ast.Call) -> bool:
    written = keyword_map(create) or {}
    for key, value in lookup.items():
        field, _, operator = key.partition("__")
        if operator not in ("", "exact", "in") or field not in written:
            continue
        wanted = value.elts if operator == "in" and isinstance(value, (ast.Tuple, ast.List)) else []
        if not operator or operator == "exact":
            wanted = [value]
        constants = wanted and all(map(_constant, [*wanted, written[field]]))
        if constants and ast.dump(written[field]) not in {ast.dump(v) for v in wanted}:
            return True
    return False


def _chain_model(chain: ManagerChain, function: ast.AST, ctx: FileContext) -> ModelInfo | None:
    """The chain's model, also when the function imports it locally (``from .models import M``
    inside the function, which the module's imports do not show)."""
    if chain.model is not None:
        return chain.model
    for node in walk_scope(function):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if (alias.asname or alias.name) == chain.model_text:
                    return ctx.models.get(f"{node.module}.{alias.name}")
    return None


def _any_of_a_set(
    chain: ManagerChain, model: ModelInfo | None, create: ast.Call, lookup: dict[str, ast.expr]
) -> bool:
    """``first()`` on a lookup the (known) model does not make unique, then a create that names
    a specific row with a constant: the code takes any existing row, not that one."""
    if model is None or model.inferred or chain.last not in ("first", "last") or not lookup:
        return False
    if model.is_unique(base_field(key) for key in lookup):
        return False
    looked_up = {base_field(key).removesuffix("_id") for key in lookup}
    written = keyword_map(create) or {}
    return any(k.removesuffix("_id") not in looked_up and _constant(v) for k, v in written.items())


def _made_in_this_call(
    lookup: dict[str, ast.expr], function: ast.AST, check: ast.AST, ctx: FileContext
) -> bool:
    """A looked-up value bound, before the check, only to a new model instance: no one else
    knows that row yet."""
    names = {value.id for value in lookup.values() if isinstance(value, ast.Name)}
    for name in names:
        values = list(_assigned_before(function, name, check))
        if values and all(_new_instance(v, ctx) for v in values):
            return True
    return False


def _assigned_before(function: ast.AST, name: str, check: ast.AST) -> Iterator[ast.expr]:
    line = getattr(check, "lineno", 0)
    stack: list[ast.AST] = list(getattr(function, "body", []))
    while stack:
        node = stack.pop()
        if isinstance(node, SCOPE_NODES):
            continue
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.lineno < line:
            targets: Sequence[ast.expr] = (
                node.targets if isinstance(node, ast.Assign) else [node.target]
            )
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                yield node.value if node.value is not None else ast.Constant(None)
        elif any(isinstance(n, ast.Name) and n.id == name for n in _bound_by(node)):
            yield ast.Constant(None)
        stack.extend(ast.iter_child_nodes(node))


def _bound_by(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, (ast.For, ast.AsyncFor)):
        yield from ast.walk(node.target)
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if item.optional_vars is not None:
                yield from ast.walk(item.optional_vars)
    elif isinstance(node, ast.NamedExpr):
        yield node.target


def _new_instance(value: ast.expr | None, ctx: FileContext) -> bool:
    """``Email(...)`` of a known model, or ``M.objects.create(...)``."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Attribute) and func.attr == "create":
        return True
    return _model_class(func, ctx) is not None


def _model_class(node: ast.expr, ctx: FileContext) -> ModelInfo | None:
    if isinstance(node, ast.Name):
        local = ctx.models.get(f"{ctx.module}.{node.id}")
        if local is not None:
            return local
    name = qualified_name(node, ctx.imports)
    if not name or "." not in name or not last_part(name)[:1].isupper():
        return None
    return ctx.models.get(name)
