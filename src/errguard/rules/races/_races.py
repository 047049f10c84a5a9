"""Manager calls and the blocks around them, for the race rules (EG201, EG202).

``Order.objects.filter(number=n).exists()`` is read as a :class:`ManagerChain`: the model, the
methods in order and the lookup keywords. Whether code runs inside ``transaction.atomic()`` and
under a ``try`` that handles ``IntegrityError`` is tracked while walking a function's blocks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from errguard.astutil import SCOPE_NODES, dotted_name, last_part, qualified_name
from errguard.detect.context import FileContext
from errguard.project.models.index import ModelInfo

_LOOKUP_METHODS = frozenset({"filter", "get", "exclude"})


@dataclass(frozen=True)
class ManagerChain:
    """``<Model>.<manager>.<method>(...).<method>(...)``."""

    manager: ast.Attribute
    model: ModelInfo | None
    model_text: str
    calls: tuple[tuple[str, ast.Call], ...]

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.calls)

    @property
    def last(self) -> str:
        return self.calls[-1][0] if self.calls else ""

    def lookup(self) -> dict[str, ast.expr] | None:
        """Keyword lookups of filter()/get(); None when a Q object or ``**kwargs`` is involved."""
        found: dict[str, ast.expr] = {}
        for name, call in self.calls:
            if name not in _LOOKUP_METHODS:
                continue
            if call.args or any(k.arg is None for k in call.keywords) or name == "exclude":
                return None
            found.update({k.arg: k.value for k in call.keywords if k.arg})
        return found

    def same_model(self, other: ManagerChain) -> bool:
        if self.model is not None and other.model is not None:
            return self.model.key == other.model.key
        return self.model_text == other.model_text


def _calls(node: ast.expr) -> tuple[ast.expr, tuple[tuple[str, ast.Call], ...]]:
    """The receiver of a method chain, and the chain's (method, call) pairs in order."""
    calls: list[tuple[str, ast.Call]] = []
    current = node
    while isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
        calls.append((current.func.attr, current))
        current = current.func.value
    return current, tuple(reversed(calls))


def manager_chain(node: ast.expr, ctx: FileContext) -> ManagerChain | None:
    """The chain ``node`` is, when it starts at a model's manager."""
    current, calls = _calls(node)
    if not isinstance(current, ast.Attribute):
        return None
    model = _model(current.value, ctx)
    manager = current.attr
    if model is not None:
        if not model.is_manager(manager):
            return None
    elif manager != "objects" or dotted_name(current.value) is None:
        return None
    return ManagerChain(current, model, ctx.segment(current.value), calls)


_CHECKS = frozenset({"exists", "count", "first", "last", "get"})


def related_manager_chain(node: ast.expr) -> ManagerChain | None:
    """``post.likes.filter(user=u).exists()`` or ``post.likes.create(user=u)``: a chain on a
    related manager, known by its methods (a lookup ending in an existence check, or a create)
    and compared with other chains by the manager's text."""
    current, calls = _calls(node)
    if not (isinstance(current, ast.Attribute) and isinstance(current.value, ast.Name)):
        return None
    if current.attr == "objects" or current.attr.startswith("_") or not calls:
        return None
    methods = tuple(name for name, _ in calls)
    lookup = methods[0] in _LOOKUP_METHODS and methods[-1] in _CHECKS
    if methods != ("create",) and not lookup:
        return None
    return ManagerChain(current, None, dotted_name(current) or "", calls)


def _model(node: ast.expr, ctx: FileContext) -> ModelInfo | None:
    if isinstance(node, ast.Name):
        local = ctx.models.get(f"{ctx.module}.{node.id}")
        if local is not None:
            return local
    name = qualified_name(node, ctx.imports)
    return ctx.models.get(name) if name and "." in name else None


def base_field(lookup: str) -> str:
    """``email__iexact`` -> ``email``; ``author_id`` stays (the caller compares both forms)."""
    return lookup.split("__", 1)[0]


def keyword_map(call: ast.Call) -> dict[str, ast.expr] | None:
    """A call's keywords, or None when it passes ``**kwargs`` or positional arguments."""
    if call.args or any(k.arg is None for k in call.keywords):
        return None
    return {k.arg: k.value for k in call.keywords if k.arg}


@dataclass(frozen=True)
class Block:
    """A statement list, and whether it runs inside ``transaction.atomic()`` and under a ``try``
    that handles ``IntegrityError``."""

    statements: Sequence[ast.stmt]
    atomic: bool
    integrity_guarded: bool


def blocks(function: ast.AST, ctx: FileContext) -> Iterator[Block]:
    """Every statement list of a function, with what is known about where it runs."""
    atomic = isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
        _is_atomic(d, ctx.imports) for d in function.decorator_list
    )
    body = getattr(function, "body", [])
    yield from _blocks(body, ctx, atomic=atomic, guarded=False)


def _blocks(
    stmts: Sequence[ast.stmt], ctx: FileContext, *, atomic: bool, guarded: bool
) -> Iterator[Block]:
    yield Block(stmts, atomic, guarded)
    for stmt in stmts:
        if isinstance(stmt, SCOPE_NODES):
            continue
        inner_atomic = atomic
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            inner_atomic = atomic or any(
                _is_atomic(item.context_expr, ctx.imports) for item in stmt.items
            )
        inner_guarded = guarded
        if isinstance(stmt, ast.Try) and any(
            catches(handler, ("IntegrityError",)) for handler in stmt.handlers
        ):
            inner_guarded = True
        for field_name in ("body", "orelse", "finalbody"):
            child = getattr(stmt, field_name, None)
            if child:
                child_guarded = inner_guarded if field_name == "body" else guarded
                yield from _blocks(child, ctx, atomic=inner_atomic, guarded=child_guarded)
        for handler in getattr(stmt, "handlers", ()):
            yield from _blocks(handler.body, ctx, atomic=inner_atomic, guarded=guarded)
        for case in getattr(stmt, "cases", ()):
            yield from _blocks(case.body, ctx, atomic=inner_atomic, guarded=guarded)


def _is_atomic(node: ast.expr, imports: Mapping[str, str]) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return last_part(qualified_name(target, imports)) == "atomic"


def catches(handler: ast.ExceptHandler, names: Sequence[str]) -> bool:
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(last_part(dotted_name(t)) in names for t in types)


def calls_in(stmts: Sequence[ast.stmt]) -> Iterator[ast.Call]:
    stack: list[ast.AST] = list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, SCOPE_NODES):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def names_used(nodes: Sequence[ast.AST]) -> set[str]:
    return {n.id for root in nodes for n in ast.walk(root) if isinstance(n, ast.Name)}
