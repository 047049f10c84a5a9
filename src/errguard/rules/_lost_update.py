"""Read-modify-write of a model field on an instance loaded from the database, then saved."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from errguard.astutil import last_part, qualified_name, walk_scope
from errguard.detect.context import FileContext
from errguard.project.index import ModelInfo
from errguard.rules._races import manager_chain

_SINGLE_ROW = frozenset({"get", "first", "last", "earliest", "latest"})
NUMERIC_FIELDS = frozenset(
    {
        "IntegerField",
        "SmallIntegerField",
        "BigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
        "FloatField",
        "DecimalField",
        "DurationField",
    }
)
OPERATORS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}


@dataclass(frozen=True)
class Loaded:
    """A model instance read from the database, and whether its row is locked."""

    model: ModelInfo
    locked: bool


@dataclass(frozen=True)
class Change:
    statement: ast.AugAssign | ast.Assign
    variable: str
    field: str
    model: ModelInfo
    save: ast.Call


def changes(function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> Iterator[Change]:
    """Each field changed from its own value and then saved, on an unlocked loaded instance."""
    instances = _loaded_instances(function, ctx)
    if not instances:
        return
    scope = list(walk_scope(function))
    saves = [n for n in scope if isinstance(n, ast.Call) and _saved_name(n) in instances]
    updates = [n for n in scope if isinstance(n, (ast.AugAssign, ast.Assign))]
    for node in sorted(updates, key=_position):
        found = _self_update(node, instances)
        if found is None:
            continue
        variable, field = found
        loaded = instances[variable]
        later = sorted(
            (s for s in saves if _position(s) > _position(node) and _saves(s, variable, field)),
            key=_position,
        )
        if later and not loaded.locked:
            yield Change(node, variable, field, loaded.model, later[0])


def _position(node: ast.stmt | ast.expr) -> tuple[int, int]:
    return node.lineno, node.col_offset


def _saved_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "save" and isinstance(func.value, ast.Name):
        return func.value.id
    return None


def _saves(call: ast.Call, variable: str, field: str) -> bool:
    """``variable.save(...)`` writing ``field`` (all fields, or update_fields listing it)."""
    if _saved_name(call) != variable:
        return False
    for keyword in call.keywords:
        if keyword.arg == "update_fields" and isinstance(keyword.value, (ast.List, ast.Tuple)):
            names = {e.value for e in keyword.value.elts if isinstance(e, ast.Constant)}
            return field in names
    return True


def _self_update(node: ast.AST, instances: Mapping[str, Loaded]) -> tuple[str, str] | None:
    """(variable, field) when ``node`` sets a field from its own value: ``obj.f += 1``,
    ``obj.f = obj.f - x``; never when an ``F()`` expression is involved."""
    target: ast.expr
    if isinstance(node, ast.AugAssign):
        target, value = node.target, node.value
    elif isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
    else:
        return None
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
        return None
    variable, field = target.value.id, target.attr
    loaded = instances.get(variable)
    raw = loaded.model.fields.get(field) if loaded else None
    if raw is None or raw.kind != "field" or _uses_f(value):
        return None
    if isinstance(node, ast.Assign) and not reads_own_value(value, variable, field):
        return None
    return variable, field


def reads_own_value(value: ast.expr, variable: str, field: str) -> bool:
    """An arithmetic expression with ``variable.field`` as a direct operand."""
    return any(
        isinstance(node, ast.BinOp)
        and any(_is_field(side, variable, field) for side in (node.left, node.right))
        for node in ast.walk(value)
    )


def _is_field(node: ast.expr, variable: str, field: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == field
        and isinstance(node.value, ast.Name)
        and node.value.id == variable
    )


def _uses_f(value: ast.expr) -> bool:
    """An ``F("field")`` (or ``models.F``) expression anywhere in the value."""
    return any(
        isinstance(n, ast.Call) and getattr(n.func, "id", getattr(n.func, "attr", "")) == "F"
        for n in ast.walk(value)
    )


def _loaded_instances(
    function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> dict[str, Loaded]:
    instances: dict[str, Loaded] = {}
    owner = _model_of_method(function, ctx)
    if owner is not None:
        instances["self"] = Loaded(owner, locked=False)
    for node in walk_scope(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            loaded = _row(node.value, ctx)
            if isinstance(target, ast.Name) and loaded is not None:
                instances[target.id] = loaded
        elif isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name):
            chain = manager_chain(node.iter, ctx)
            if chain is not None and chain.model is not None and chain.last not in _SINGLE_ROW:
                instances[node.target.id] = Loaded(
                    chain.model, "select_for_update" in chain.methods
                )
    return instances


def _row(value: ast.expr, ctx: FileContext) -> Loaded | None:
    """One row read from the database: ``M.objects.get(...)``, ``get_object_or_404(M, ...)``."""
    if (
        isinstance(value, ast.Call)
        and last_part(qualified_name(value.func, ctx.imports)) == ("get_object_or_404")
        and value.args
    ):
        source = value.args[0]
        chain = manager_chain(source, ctx)
        if chain is not None and chain.model is not None:
            return Loaded(chain.model, "select_for_update" in chain.methods)
        name = qualified_name(source, ctx.imports)
        model = ctx.models.get(name if name and "." in name else f"{ctx.module}.{name}")
        return Loaded(model, locked=False) if model is not None else None
    chain = manager_chain(value, ctx)
    if chain is None or chain.model is None or chain.last not in _SINGLE_ROW:
        return None
    return Loaded(chain.model, "select_for_update" in chain.methods)


def _model_of_method(
    function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> ModelInfo | None:
    """The model whose method ``function`` is (``self`` is then a loaded instance)."""
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.ClassDef) and any(item is function for item in stmt.body):
            return ctx.models.get(f"{ctx.module}.{stmt.name}")
    return None
