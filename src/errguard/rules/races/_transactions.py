"""EG203: the code of a function that runs inside a database transaction.

Three ways in: the body of ``with transaction.atomic(...)`` (any arguments), the whole body of
a function decorated ``@transaction.atomic`` (or ``@atomic``, with or without arguments), and
the whole body of a view when the settings turn ``ATOMIC_REQUESTS`` on for the default
database (a function of a ``views`` module taking ``request``, or a request-handling method
of a class there), unless it is marked ``@non_atomic_requests``. Nested functions and lambdas
are not part of the region: they run when called, and a callback handed to
``transaction.on_commit`` runs after the commit.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from errguard.astutil import SCOPE_NODES, decorator_name, qualified_name
from errguard.registry import Function

ATOMIC = "django.db.transaction.atomic"
_NON_ATOMIC = "non_atomic_requests"
# Methods of class-based views (Django's, DRF's) that run inside the request's transaction.
_HANDLERS = frozenset(
    {
        *("get", "post", "put", "patch", "delete", "dispatch", "form_valid"),
        *("create", "update", "destroy", "perform_create", "perform_update", "perform_destroy"),
    }
)


@dataclass(frozen=True)
class Region:
    """Statements that run inside a transaction, and how to say where they are."""

    where: str
    body: tuple[ast.stmt, ...]


def is_atomic(node: ast.expr, imports: Mapping[str, str]) -> bool:
    """``transaction.atomic``, ``atomic(using="other")``, ``transaction.atomic(durable=True)``."""
    target = node.func if isinstance(node, ast.Call) else node
    return qualified_name(target, imports) == ATOMIC


def decorated_atomic(function: Function, imports: Mapping[str, str]) -> bool:
    return any(is_atomic(decorator, imports) for decorator in function.decorator_list)


def regions(
    function: Function,
    imports: Mapping[str, str],
    *,
    atomic_view: bool,
) -> Iterator[Region]:
    """The outermost transactions of ``function``'s own code (``atomic_view``: the function is
    a view whose requests run in a transaction)."""
    if decorated_atomic(function, imports):
        yield Region(f"`@transaction.atomic` function `{function.name}()`", tuple(function.body))
    elif atomic_view:
        where = f"view `{function.name}()`, atomic with ATOMIC_REQUESTS"
        yield Region(where, tuple(function.body))
    else:
        for block in atomic_blocks(function.body, imports):
            where = f"`with {_spelled_atomic(block, imports)}`, line {block.lineno}"
            yield Region(where, tuple(block.body))


def atomic_blocks(
    stmts: list[ast.stmt] | tuple[ast.stmt, ...], imports: Mapping[str, str]
) -> Iterator[ast.With]:
    """The outermost ``with transaction.atomic()`` blocks among ``stmts``, nested functions
    left out."""
    stack: list[ast.AST] = list(reversed(stmts))
    while stack:
        node = stack.pop()
        if isinstance(node, SCOPE_NODES):
            continue
        if isinstance(node, ast.With) and any(
            is_atomic(item.context_expr, imports) for item in node.items
        ):
            yield node
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def is_view(function: Function, owner: ast.ClassDef | None, module: str) -> bool:
    """A view of a ``views`` module that ``ATOMIC_REQUESTS`` wraps in a transaction."""
    parts = module.split(".")
    if not any(part == "views" or part.startswith("views_") for part in parts):
        return False
    if any(decorator_name(d) == _NON_ATOMIC for d in function.decorator_list):
        return False
    arguments = [argument.arg for argument in function.args.args]
    if owner is None:
        return arguments[:1] == ["request"]
    if _marked_non_atomic(owner):
        return False
    return function.name in _HANDLERS or arguments[1:2] == ["request"]


def _marked_non_atomic(owner: ast.ClassDef) -> bool:
    """``@method_decorator(non_atomic_requests, name="dispatch")`` on the class."""
    return any(
        (isinstance(node, ast.Name) and node.id == _NON_ATOMIC)
        or (isinstance(node, ast.Attribute) and node.attr == _NON_ATOMIC)
        for decorator in owner.decorator_list
        for node in ast.walk(decorator)
    )


def _spelled_atomic(block: ast.With, imports: Mapping[str, str]) -> str:
    return next(
        ast.unparse(item.context_expr)
        for item in block.items
        if is_atomic(item.context_expr, imports)
    )
