"""Finding check-then-create sequences in a function, and the get_or_create() that replaces them.

Four shapes: ``if not M.objects.filter(...).exists(): M.objects.create(...)`` (also ``count()``
comparisons and queryset truthiness), ``x = ...first()`` then ``if x is None: x = create(...)``,
``if M.objects.filter(...).exists(): return`` with the create after it, and
``try: M.objects.get(...)`` with ``except M.DoesNotExist: M.objects.create(...)``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from errguard.astutil import SCOPE_NODES
from errguard.detect.context import FileContext
from errguard.rules.races._races import (
    Block,
    ManagerChain,
    base_field,
    blocks,
    catches,
    keyword_map,
    manager_chain,
    related_manager_chain,
)

# Chain methods that give a queryset of the same rows, filtered or ordered.
_QUERYSET_METHODS = frozenset({"filter", "exclude", "all", "order_by", "select_related"})
_ZERO_MEANS_ABSENT = {ast.Eq: 0, ast.LtE: 0, ast.Lt: 1}
_NONZERO_MEANS_PRESENT = {ast.NotEq: 0, ast.Gt: 0, ast.GtE: 1}
_DOES_NOT_EXIST = ("DoesNotExist", "ObjectDoesNotExist")
# Lookups a get_or_create() with the same keywords reproduces exactly (given a unique lookup).
_REWRITABLE_SHAPES = frozenset(
    {("filter", "exists"), ("filter", "count"), ("filter", "first"), ("filter", "last"), ("get",)}
)


@dataclass(frozen=True)
class Race:
    check: ast.AST  # the existence check, where the finding is reported
    lookup_chain: ManagerChain
    create: ast.Call
    replaced: tuple[ast.stmt, ...]  # statements a get_or_create() rewrite would replace
    target: str | None  # the name bound to the object, if any
    rewritable: bool
    locked: bool


def races(function: ast.AST, ctx: FileContext) -> Iterator[Race]:
    for block in blocks(function, ctx):
        env: dict[str, ManagerChain] = {}
        previous: ast.stmt | None = None
        for index, stmt in enumerate(block.statements):
            if isinstance(stmt, ast.If):
                yield from _if_races(stmt, block, env, previous, ctx)
                yield from _early_exit_races(stmt, block, env, index, ctx)
            elif isinstance(stmt, ast.Try):
                yield from _try_races(stmt, block, ctx)
            _remember(stmt, env, ctx)
            previous = stmt


def _chain(
    node: ast.expr, ctx: FileContext, env: Mapping[str, ManagerChain] | None = None
) -> ManagerChain | None:
    found = manager_chain(node, ctx) or related_manager_chain(node)
    if found is None and env:
        found = _continued(node, env)
    return found


def _continued(node: ast.expr, env: Mapping[str, ManagerChain]) -> ManagerChain | None:
    """``existing.exists()`` with ``existing = M.objects.filter(...)`` bound earlier."""
    calls: list[tuple[str, ast.Call]] = []
    current = node
    while isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
        calls.append((current.func.attr, current))
        current = current.func.value
    base = env.get(current.id) if isinstance(current, ast.Name) and calls else None
    if base is None or base.last not in _QUERYSET_METHODS:
        return None
    return replace(base, calls=(*base.calls, *reversed(calls)))


def _remember(stmt: ast.stmt, env: dict[str, ManagerChain], ctx: FileContext) -> None:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Name):
            chain = _chain(stmt.value, ctx, env)
            remembered = ("first", "last", "exists", "count", *_QUERYSET_METHODS)
            if chain is not None and chain.last in remembered:
                env[target.id] = chain
            else:
                env.pop(target.id, None)


def _check(
    test: ast.expr, env: Mapping[str, ManagerChain], ctx: FileContext
) -> tuple[ManagerChain, bool] | None:
    """(the lookup, whether the if body runs when no row exists), for an existence test."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    node = test.operand if isinstance(test, ast.UnaryOp) and negated else test
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        return _compare(node, env, ctx)
    chain = env.get(node.id) if isinstance(node, ast.Name) else _chain(node, ctx, env)
    if chain is None or chain.last in ("create", "get"):
        return None
    # exists()/count()/first()/a queryset are all truthy exactly when a row exists.
    return chain, negated


def _compare(
    node: ast.Compare, env: Mapping[str, ManagerChain], ctx: FileContext
) -> tuple[ManagerChain, bool] | None:
    left, op, right = node.left, type(node.ops[0]), node.comparators[0]
    if isinstance(left, ast.Name) and isinstance(right, ast.Constant) and right.value is None:
        chain = env.get(left.id)
        if chain is not None and chain.last in ("first", "last") and op in (ast.Is, ast.IsNot):
            return chain, op is ast.Is
        return None
    chain = env.get(left.id) if isinstance(left, ast.Name) else _chain(left, ctx, env)
    if chain is None or chain.last != "count" or not isinstance(right, ast.Constant):
        return None
    if _ZERO_MEANS_ABSENT.get(op) == right.value:
        return chain, True
    if _NONZERO_MEANS_PRESENT.get(op) == right.value:
        return chain, False
    return None


def _if_races(
    stmt: ast.If,
    block: Block,
    env: Mapping[str, ManagerChain],
    previous: ast.stmt | None,
    ctx: FileContext,
) -> Iterator[Race]:
    found = _check(stmt.test, env, ctx)
    if found is None:
        return
    chain, absent_in_body = found
    branch = stmt.body if absent_in_body else stmt.orelse
    for create, guarded in _creates(branch, block.integrity_guarded, ctx, chain):
        if guarded or not _overlaps(chain, create):
            continue
        replaced, target = _if_rewrite(stmt, chain, create, previous)
        yield Race(
            stmt.test,
            chain,
            create,
            replaced,
            target,
            bool(replaced),
            _locked(chain, block, stmt),
        )


def _early_exit_races(
    stmt: ast.If,
    block: Block,
    env: Mapping[str, ManagerChain],
    index: int,
    ctx: FileContext,
) -> Iterator[Race]:
    """``if M.objects.filter(...).exists(): return`` (or ``raise``), then a create below: the
    statements after the ``if`` run only when no row was found."""
    found = _check(stmt.test, env, ctx)
    if found is None and isinstance(stmt.test, ast.BoolOp) and isinstance(stmt.test.op, ast.And):
        # ``if message_id and M.objects.filter(...).exists(): return``: when it holds, it exits.
        found = next((f for v in stmt.test.values if (f := _check(v, env, ctx)) and not f[1]), None)
    if found is None or found[1] or stmt.orelse or not _exits(stmt.body):
        return
    chain = found[0]
    following = block.statements[index + 1 :]
    for create, guarded in _creates(following, block.integrity_guarded, ctx, chain):
        if not guarded and _overlaps(chain, create):
            yield Race(stmt.test, chain, create, (), None, False, _locked(chain, block, stmt))


def _exits(stmts: Sequence[ast.stmt]) -> bool:
    return bool(stmts) and isinstance(stmts[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))


def _try_races(stmt: ast.Try, block: Block, ctx: FileContext) -> Iterator[Race]:
    getter = _single_get(stmt.body, ctx)
    if getter is None:
        return
    chain, target = getter
    for handler in stmt.handlers:
        if not catches(handler, _DOES_NOT_EXIST):
            continue
        for create, guarded in _creates(handler.body, block.integrity_guarded, ctx, chain):
            if guarded or not _overlaps(chain, create):
                continue
            simple = (
                len(stmt.handlers) == 1
                and not stmt.orelse
                and not stmt.finalbody
                and _assigns_create(handler.body, target, create)
                and _rewritable_lookup(chain, create)
            )
            yield Race(
                stmt.body[0], chain, create, (stmt,), target, simple, _locked(chain, block, stmt)
            )


def _single_get(
    body: Sequence[ast.stmt], ctx: FileContext
) -> tuple[ManagerChain, str | None] | None:
    for stmt in body:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.Expr, ast.Return)) else None
        chain = _chain(value, ctx) if value is not None else None
        if chain is not None and chain.last == "get":
            target = None
            if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                target = stmt.targets[0].id
            return chain, target
    return None


def _creates(
    stmts: Sequence[ast.stmt], guarded: bool, ctx: FileContext, like: ManagerChain
) -> Iterator[tuple[ast.Call, bool]]:
    """``M.objects.create(...)`` calls of ``like``'s model under ``stmts``, and whether an
    IntegrityError handler catches their failure."""
    for stmt in stmts:
        if isinstance(stmt, SCOPE_NODES):
            continue
        inner = guarded or (
            isinstance(stmt, ast.Try)
            and any(catches(h, ("IntegrityError",)) for h in stmt.handlers)
        )
        for node in _own_nodes(stmt):
            if isinstance(node, ast.Call):
                chain = _chain(node, ctx)
                if chain is not None and chain.methods == ("create",) and chain.same_model(like):
                    yield node, guarded
        for field_name in ("body", "orelse", "finalbody"):
            child = getattr(stmt, field_name, None)
            if child:
                nested = inner if field_name == "body" else guarded
                yield from _creates(child, nested, ctx, like)
        for handler in getattr(stmt, "handlers", ()):
            yield from _creates(handler.body, guarded, ctx, like)


def _own_nodes(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The statement's own expressions, not the statements nested in its blocks."""
    for field_name, value in ast.iter_fields(stmt):
        if field_name in ("body", "orelse", "finalbody", "handlers", "cases"):
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, ast.AST):
                yield from ast.walk(item)


def _overlaps(chain: ManagerChain, create: ast.Call) -> bool:
    """The create writes at least one of the looked-up values."""
    lookup = chain.lookup()
    if lookup is None:
        return _same_unpacked(chain, create)
    # Named keywords count even beside ``**defaults``: ``create(key=key, **fields)``.
    written = {_field(k.arg) for k in create.keywords if k.arg}
    return bool({_field(key) for key in lookup} & written) or _same_unpacked(chain, create)


def _field(lookup: str) -> str:
    return base_field(lookup).removesuffix("_id")


def _same_unpacked(chain: ManagerChain, create: ast.Call) -> bool:
    """``filter(**data)`` then ``create(**data)``."""
    created = {ast.dump(k.value) for k in create.keywords if k.arg is None}
    for _, call in chain.calls:
        if any(k.arg is None and ast.dump(k.value) in created for k in call.keywords):
            return True
    return False


def _locked(chain: ManagerChain, block: Block, check: ast.stmt) -> bool:
    """The check runs under a row lock: its own ``select_for_update()``, or one taken earlier in
    the same atomic block (typically on the parent row, which serialises its children)."""
    if not block.atomic:
        return False
    if "select_for_update" in chain.methods:
        return True
    for stmt in block.statements:
        if stmt is check:
            return False
        if any(
            isinstance(node, ast.Attribute) and node.attr == "select_for_update"
            for node in ast.walk(stmt)
        ):
            return True
    return False


def _assigns_create(stmts: Sequence[ast.stmt], target: str | None, create: ast.Call) -> bool:
    if len(stmts) != 1:
        return False
    stmt = stmts[0]
    if target is None:
        return isinstance(stmt, ast.Expr) and stmt.value is create
    return (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and stmt.targets[0].id == target
        and stmt.value is create
    )


def _rewritable_lookup(chain: ManagerChain, create: ast.Call) -> bool:
    """get_or_create(lookup, defaults=rest) does what the code did: the same lookup (plain
    field names, no Q objects), and the create writes every looked-up value unchanged."""
    lookup, keywords = chain.lookup(), keyword_map(create)
    if chain.methods not in _REWRITABLE_SHAPES or not lookup or keywords is None:
        return False
    if any("__" in key for key in lookup):
        return False
    return all(
        key in keywords and ast.dump(keywords[key]) == ast.dump(value)
        for key, value in lookup.items()
    )


def _if_rewrite(
    stmt: ast.If,
    chain: ManagerChain,
    create: ast.Call,
    previous: ast.stmt | None,
) -> tuple[tuple[ast.stmt, ...], str | None]:
    """The statements to replace and the bound name, or ``((), None)`` when no rewrite fits."""
    if stmt.orelse:
        return (), None
    tested = _tested_name(stmt.test)
    if tested is not None:
        # x = M.objects.filter(...).first(); if x is None: x = M.objects.create(...)
        if previous is None or _first_target(previous) != tested:
            return (), None
        if not _assigns_create(stmt.body, tested, create):
            return (), None
        if chain.last not in ("first", "last") or not _rewritable_lookup(chain, create):
            return (), None
        return (previous, stmt), tested
    # A name bound only when the row was created would be bound in both cases after a rewrite.
    if not _assigns_create(stmt.body, None, create):
        return (), None
    if chain.last not in ("exists", "count") or not _rewritable_lookup(chain, create):
        return (), None
    return (stmt,), None


def _first_target(previous: ast.stmt | None) -> str | None:
    if isinstance(previous, ast.Assign) and isinstance(previous.targets[0], ast.Name):
        return previous.targets[0].id
    return None


def _tested_name(test: ast.expr) -> str | None:
    """``x`` in ``x is None``, ``not x`` or ``x``: a test of a variable, not of a query."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if isinstance(test, ast.Compare):
        test = test.left
    return test.id if isinstance(test, ast.Name) else None
