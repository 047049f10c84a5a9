"""Broad handlers that exist for the project's own user message, for EG404.

``check_access(organiser)`` raising ``Exception(_("There must be at least one team"))`` is
the project speaking to its users; ``except Exception as e: raise ValidationError(str(e))``
around it passes that written message on.
"""

from __future__ import annotations

import ast
import functools
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from errguard.astutil import dotted_name, last_part, parse_or_none

_BROAD = frozenset({"Exception", "BaseException"})
_TRANSLATIONS = frozenset({"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy"})

FunctionLookup = Callable[[str], "ast.FunctionDef | ast.AsyncFunctionDef | None"]


def catches_own_message(
    handler: ast.ExceptHandler, body: list[ast.stmt], lookup: FunctionLookup
) -> bool:
    """A broad ``except`` around a call of a project function that raises that very class
    with a written message (a literal or a translated string)."""
    if handler.type is None or last_part(dotted_name(handler.type)) not in _BROAD:
        return False
    caught = last_part(dotted_name(handler.type))
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                function = lookup(node.func.id)
                if function is not None and _raises_written(function, caught):
                    return True
    return False


def _raises_written(function: ast.FunctionDef | ast.AsyncFunctionDef, caught: str) -> bool:
    raised = [node.exc for node in ast.walk(function) if isinstance(node, ast.Raise)]
    return any(
        isinstance(exc, ast.Call)
        and last_part(dotted_name(exc.func)) == caught
        and len(exc.args) == 1
        and _written(exc.args[0])
        for exc in raised
    )


def _written(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return (
        isinstance(node, ast.Call)
        and last_part(dotted_name(node.func)) in _TRANSLATIONS
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
    )


def function_lookup(tree: ast.Module, imports: Mapping[str, str], root: Path) -> FunctionLookup:
    """Finds a function by its local name: defined in ``tree`` or imported from a module of
    the project under ``root``."""
    local = {
        stmt.name: stmt
        for stmt in tree.body
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
    }

    def lookup(name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        if name in local:
            return local[name]
        module, _, attribute = imports.get(name, "").rpartition(".")
        if not module:
            return None
        return _module_functions(root.joinpath(*module.split(".")).with_suffix(".py")).get(
            attribute
        )

    return lookup


def _module_functions(path: Path) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The module's top-level functions, read again when the file changes (``fix`` rewrites
    files while a process keeps checking them)."""
    try:
        status = path.stat()
    except OSError:
        return {}
    if not stat.S_ISREG(status.st_mode):
        return {}  # a FIFO or a device named like a module would block the read
    return _parsed_functions(path, status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=256)
def _parsed_functions(
    path: Path, _mtime: int, _size: int
) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    try:
        tree = parse_or_none(path.read_bytes())
    except OSError:
        return {}
    if tree is None:
        return {}
    return {
        stmt.name: stmt
        for stmt in tree.body
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
