"""Read-modify-write of a model field on an instance loaded from the database, then saved."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from errguard.astutil import last_part, qualified_name, walk_scope
from errguard.detect.context import FileContext
from errguard.project.models.index import ModelInfo
from errguard.rules._shared.comments import DEBT, FINE, comments_above, comments_within
from errguard.rules._shared.models import inferred_model
from errguard.rules.races._races import ManagerChain, manager_chain, related_manager_chain

_SINGLE_ROW = frozenset({"get", "first", "last", "earliest", "latest"})
_PAIRS = frozenset({"get_or_create", "update_or_create"})  # give (row, created)
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
    if loaded is None or _uses_f(value):
        return None
    raw = loaded.model.fields.get(field)
    if loaded.model.inferred:
        # Fields unknown: any public attribute a loaded row saves back counts as one.
        if field.startswith("_"):
            return None
    elif raw is None or raw.kind != "field":
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
    querysets: dict[str, Loaded] = {}  # names bound to a queryset: their rows, once iterated
    owner = _model_of_method(function, ctx)
    if owner is not None:
        instances["self"] = Loaded(owner, locked=False)
    # In source order: a loop over a queryset variable needs the variable's assignment first.
    scope = sorted(
        (n for n in walk_scope(function) if isinstance(n, (ast.Assign, ast.For, ast.AsyncFor))),
        key=_position,
    )
    for node in scope:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Tuple) and target.elts:
                # ``row, created = M.objects.get_or_create(...)``
                first = target.elts[0]
                loaded = _row(node.value, ctx, _PAIRS)
                if isinstance(first, ast.Name) and loaded is not None:
                    instances[first.id] = loaded
                continue
            if not isinstance(target, ast.Name):
                continue
            loaded = _row(node.value, ctx)
            if loaded is not None:
                instances[target.id] = loaded
            elif (rows := _rows(node.value, ctx)) is not None:
                querysets[target.id] = rows
        elif isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name):
            rows = _rows(node.iter, ctx) or _rows_of_variable(node.iter, querysets)
            if rows is not None:
                instances[node.target.id] = rows
    for node in scope:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            related = _related_row(node.value, instances, ctx)
            if isinstance(target, ast.Name) and related is not None:
                instances.setdefault(target.id, related)
    return instances


def _rows(value: ast.expr, ctx: FileContext) -> Loaded | None:
    """What each row of a queryset expression (``M.objects.filter(...)``) is."""
    chain = manager_chain(value, ctx)
    model = _chain_model(chain, ctx)
    if chain is None or model is None or chain.last in _SINGLE_ROW:
        return None
    return Loaded(model, "select_for_update" in chain.methods)


def _rows_of_variable(iterable: ast.expr, querysets: Mapping[str, Loaded]) -> Loaded | None:
    """``for row in qs`` or ``for row in qs.iterator()`` with ``qs`` a queryset variable."""
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute):
        iterable = iterable.func.value
    return querysets.get(iterable.id) if isinstance(iterable, ast.Name) else None


def _related_row(
    value: ast.expr, instances: Mapping[str, Loaded], ctx: FileContext
) -> Loaded | None:
    """``level = movement.stock_level``: a row reached through a foreign key or one-to-one of a
    loaded instance is read from the database too (locked when the instance's row was: Django's
    select_for_update() locks the joined rows)."""
    if not (isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name)):
        return None
    parent = instances.get(value.value.id)
    relation = parent.model.relations.get(value.attr) if parent is not None else None
    if parent is None or relation is None or not relation.single:
        return None
    target = ctx.models.models.get(relation.target or "")
    return Loaded(target, parent.locked) if target is not None else None


def _chain_model(chain: ManagerChain | None, ctx: FileContext) -> ModelInfo | None:
    """The chain's model, inferred from ``X.objects`` when the index cannot read ``X``, and
    unknown (named after the manager, ``post.likes``) for a related manager."""
    if chain is None or chain.model is not None:
        return chain.model if chain else None
    if chain.manager.attr != "objects":
        return ctx.models.inferred(chain.model_text)
    return inferred_model(chain.manager.value, ctx.imports, ctx.models)


def _row(value: ast.expr, ctx: FileContext, methods: frozenset[str] = _SINGLE_ROW) -> Loaded | None:
    """One row read from the database: ``M.objects.get(...)``, ``get_object_or_404(M, ...)``,
    ``post.likes.first()`` (``methods``: the chain's last call; ``_PAIRS`` for get_or_create)."""
    if (
        isinstance(value, ast.Call)
        and last_part(qualified_name(value.func, ctx.imports)) == ("get_object_or_404")
        and value.args
    ):
        source = value.args[0]
        chain = manager_chain(source, ctx)
        model = _chain_model(chain, ctx)
        if chain is not None and model is not None:
            return Loaded(model, "select_for_update" in chain.methods)
        name = qualified_name(source, ctx.imports)
        model = ctx.models.get(name if name and "." in name else f"{ctx.module}.{name}")
        return Loaded(model, locked=False) if model is not None else None
    chain = manager_chain(value, ctx) or related_manager_chain(value)
    model = _chain_model(chain, ctx)
    if chain is None or model is None or chain.last not in methods:
        return None
    return Loaded(model, "select_for_update" in chain.methods)


def _model_of_method(
    function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> ModelInfo | None:
    """The model whose method ``function`` is (``self`` is then a loaded instance)."""
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.ClassDef) and any(item is function for item in stmt.body):
            return ctx.models.get(f"{ctx.module}.{stmt.name}")
    return None


# A comment that accepts the race: it names the race and says why losing an update is fine
# ("approximate counter, races are harmless"), or says exactness is not needed. Debt markers
# (TODO, FIXME) say the opposite.
_RACE = re.compile(r"\brac(e|es|y|ing)\b|\bconcurren|\blost (update|increment|write)", re.I)
_INEXACT = re.compile(
    r"\bapproximate|\bbest[- ]effort|\bnot (need to be |have to be )?(exact|accurate|precise)",
    re.I,
)


def race_accepted(lines: Sequence[str], statements: Sequence[ast.stmt], save: ast.Call) -> bool:
    """A comment on or right above a change or the save accepts the race."""
    anchors: list[ast.stmt | ast.expr] = [*statements, save]
    return any(
        not DEBT.search(comment)
        and ((_RACE.search(comment) and FINE.search(comment)) or _INEXACT.search(comment))
        for anchor in anchors
        for comment in _comments_at(lines, anchor)
    )


def _comments_at(lines: Sequence[str], node: ast.stmt | ast.expr) -> Iterator[str]:
    yield from comments_within(lines, node.lineno, node.end_lineno or node.lineno)
    yield from comments_above(lines, node.lineno)
