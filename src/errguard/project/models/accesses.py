"""Attribute chains read from one variable: ``book.author.name`` -> ("author", "name").

The N+1 analysis asks what a loop body does with its loop variable, and the model index asks
what a model's properties and methods do with ``self``; both use this one collector.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from errguard.astutil import SCOPE_NODES


@dataclass(frozen=True)
class Access:
    """``var.<path>``; ``called`` when the chain is called (``path[-1]`` is then a method)."""

    node: ast.expr
    path: tuple[str, ...]
    called: bool
    # The variable read; given when ``node`` is not an attribute chain on it (``str(book)``).
    root: str = ""


def attribute_path(node: ast.expr) -> tuple[str | None, tuple[str, ...]]:
    """(root name, attribute names) of a pure ``a.b.c`` chain; root None when not a name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    root = node.id if isinstance(node, ast.Name) else None
    return root, tuple(reversed(parts))


def collect_accesses(nodes: Iterable[ast.AST], names: frozenset[str]) -> Iterator[Access]:
    """Every maximal attribute chain on one of ``names`` under ``nodes``, in source order.

    Nested functions and lambdas are not entered: their bodies do not run where they stand.
    """
    stack: list[ast.AST] = list(reversed(list(nodes)))
    while stack:
        node = stack.pop()
        if isinstance(node, SCOPE_NODES):
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            root, path = attribute_path(node.func)
            if root in names and path:
                yield Access(node, path, called=True)
                stack.extend(reversed([*node.args, *(k.value for k in node.keywords)]))
                continue
        if isinstance(node, ast.Attribute):
            root, path = attribute_path(node)
            if root in names:
                yield Access(node, path, called=False)
                continue
        formatted = _formatted(node, names)
        if formatted is not None:
            # ``str(book)``, ``f"{book}"``: the model's ``__str__`` runs.
            yield Access(node, ("__str__",), called=True, root=formatted)  # type: ignore[arg-type]
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _formatted(node: ast.AST, names: frozenset[str]) -> str | None:
    """The name ``str(name)`` or ``f"{name}"`` turns into text."""
    if isinstance(node, ast.FormattedValue):
        value, plain = node.value, node.conversion in (-1, ord("s"))
    elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "str" and node.args:
        value, plain = node.args[0], len(node.args) == 1
    else:
        return None
    if plain and isinstance(value, ast.Name) and value.id in names:
        return value.id
    return None


# Methods that write to the database. A loop calling code that writes on every row does
# per-row work anyway; a relation that code also reads is not the fix a reviewer would make.
WRITE_METHODS = frozenset(
    {
        "save",
        "delete",
        "update",
        "create",
        "bulk_create",
        "bulk_update",
        "get_or_create",
        "update_or_create",
        "add",
        "remove",
        "set",
        "clear",
    }
)


def writes(nodes: Iterable[ast.AST]) -> bool:
    """Whether code calls a write method (``save()``, ``delete()``, ``update()``, ...)."""
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WRITE_METHODS
        for root in nodes
        for node in ast.walk(root)
    )


def does_database_work(nodes: Iterable[ast.AST]) -> bool:
    """Whether code writes (``self.save()``, ``qs.update()``) or queries a manager
    (``Model.objects...``) itself: calling it on every row is per-row work already."""
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                return True
    return writes(nodes)
