"""Small helpers over the stdlib ``ast`` shared by the rules."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping

from errguard.newer_syntax import NewerSyntax, parse_source

SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# Statements whose bodies still run at the level of the statement that holds them.
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers")


def parse_or_none(source: str | bytes) -> ast.Module | None:
    """The module, or None when no Python can compile it, only a newer one than this can, or it
    is too deep."""
    try:
        return parse_source(source)
    except (SyntaxError, NewerSyntax, ValueError, RecursionError, MemoryError):
        return None


def dotted_name(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def qualified_name(node: ast.AST, imports: Mapping[str, str]) -> str | None:
    """The dotted name with its first part resolved through the module's imports."""
    name = dotted_name(node)
    if name is None:
        return None
    head, dot, rest = name.partition(".")
    target = imports.get(head)
    if target is None:
        return name
    return f"{target}{dot}{rest}"


def call_name(call: ast.Call, imports: Mapping[str, str]) -> str | None:
    return qualified_name(call.func, imports)


def last_part(name: str | None) -> str:
    return "" if name is None else name.rsplit(".", 1)[-1]


def import_bindings(stmt: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str]]:
    """(local name, qualified name) for each name an import statement binds."""
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            if alias.asname:
                yield alias.asname, alias.name
            else:
                head = alias.name.split(".", 1)[0]
                yield head, head
        return
    module = "." * stmt.level + (stmt.module or "")
    for alias in stmt.names:
        if alias.name == "*":
            continue
        separator = "" if module.endswith(".") or not module else "."
        yield alias.asname or alias.name, f"{module}{separator}{alias.name}"


def block_statements(stmts: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run at this level: into if/try/with/for bodies, not into defs or classes."""
    stack = list(reversed(list(stmts)))
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, SCOPE_NODES):
            continue
        nested: list[ast.stmt] = []
        for field_name in _BLOCK_FIELDS:
            for child in getattr(stmt, field_name, ()):
                if isinstance(child, ast.ExceptHandler):
                    nested.extend(child.body)
                else:
                    nested.append(child)
        if isinstance(stmt, ast.Match):
            for case in stmt.cases:
                nested.extend(case.body)
        stack.extend(reversed(nested))


def collect_imports(stmts: Iterable[ast.stmt]) -> dict[str, str]:
    imports: dict[str, str] = {}
    for stmt in block_statements(stmts):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            imports.update(import_bindings(stmt))
    return imports


def walk_scope(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``node`` that belongs to the same scope: nested defs are not entered."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, SCOPE_NODES):
            stack.extend(ast.iter_child_nodes(child))


def walk_statements(stmts: Iterable[ast.stmt]) -> Iterator[ast.AST]:
    """``walk_scope`` over a list of statements (a handler body, a loop body)."""
    for stmt in stmts:
        yield stmt
        if not isinstance(stmt, SCOPE_NODES):
            yield from walk_scope(stmt)


def names_loaded(node: ast.AST) -> set[str]:
    return {
        child.id
        for child in (node, *walk_scope(node))
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load)
    }


def is_name(node: ast.AST | None, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


# Decorators that keep what a function returns: it runs once per argument tuple.
_MEMOISING = frozenset({"lru_cache", "cache", "cached", "memoize", "memoized", "run_once", "once"})


def decorator_name(node: ast.expr) -> str:
    """``lru_cache`` for ``@lru_cache``, ``@functools.lru_cache(maxsize=1)``, ..."""
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Call):
            node = node.func
        else:
            return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def is_memoised(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(decorator_name(d) in _MEMOISING for d in function.decorator_list)


def caches_in_dict(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Caches by hand: ``if key not in self.cache:`` then ``self.cache[key] = ...`` (one
    dict or attribute both tested for membership and stored into)."""
    tested: set[str] = set()
    stored: set[str] = set()
    for node in walk_scope(function):
        if isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, (ast.In, ast.NotIn)) and (name := dotted_name(right)):
                    tested.add(name)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Store)
            and (name := dotted_name(node.value))
        ):
            stored.add(name)
    return bool(tested & stored)


def rebinds(tree: ast.Module, name: str, target: str) -> bool:
    """Whether ``name`` is bound anywhere in the module, at any depth, to something other than
    an import of ``target``: a def, a class, an assignment, a parameter, another import.

    A fix that writes ``name`` meaning ``target`` is only right where nothing else can be it.
    """
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any(local == name and bound != target for local, bound in import_bindings(node)):
                return True
        elif name in _bound_names(node):
            return True
    return False


def _bound_names(node: ast.AST) -> tuple[str, ...]:
    """The names a node other than an import binds in its scope."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (node.name,)
    if isinstance(node, ast.Name):
        return () if isinstance(node.ctx, ast.Load) else (node.id,)
    if isinstance(node, ast.arg):
        return (node.arg,)
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return tuple(node.names)
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
        return (node.name,)
    return ()
