"""Code that runs in one process at a time: management commands, scripts, migrate signals.

A check-then-create there has no second request to race with. Callers are found in the file
itself, plus the ``post_migrate.connect(handler)`` calls of the app's ``apps.py`` (where Django
apps connect them, in ``AppConfig.ready()``).
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator

from errguard.astutil import dotted_name, last_part
from errguard.detect.context import FileContext
from errguard.project.reads import record

_MIGRATE_SIGNALS = ("post_migrate", "pre_migrate")
_CONNECT = re.compile(rb"(?:post|pre)_migrate\.connect\(\s*(\w+)")


def single_process_module(ctx: FileContext) -> bool:
    """A management command module (under ``management/commands`` or defining a
    ``BaseCommand`` subclass), or a script (``if __name__ == "__main__":``)."""
    parts = ctx.source.path.parts
    if any(a == "management" and b == "commands" for a, b in itertools.pairwise(parts)):
        return True
    return any(
        (isinstance(stmt, ast.If) and _is_main_guard(stmt.test))
        or (
            isinstance(stmt, ast.ClassDef)
            and any(last_part(dotted_name(base)) == "BaseCommand" for base in stmt.bases)
        )
        for stmt in ctx.tree.body
    )


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


def migrate_only(function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """A ``post_migrate``/``pre_migrate`` handler, or a module function whose every caller in
    the file is one (it may also be called from management commands, which run alone too)."""
    cached = ctx.cache.get("eg201-migrate-only")
    if not isinstance(cached, frozenset):
        cached = frozenset(_migrate_only_names(ctx))
        ctx.cache["eg201-migrate-only"] = cached
    return function.name in cached and function in ctx.tree.body


def _migrate_only_names(ctx: FileContext) -> Iterator[str]:
    functions = {
        stmt.name: stmt
        for stmt in ctx.tree.body
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    handlers = {name for name, f in functions.items() if _receives_migrate(f)}
    handlers |= _connected(ctx) & set(functions)
    if not handlers:
        return  # only functions that handlers call can be migrate-only: no walk of the module
    callers: dict[str, set[str]] = {name: set() for name in functions}
    for name, function in functions.items():
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                callers.get(node.func.id, set()).add(name)
    escaped = _escaped(ctx, set(functions))
    found = set(handlers)
    changed = True
    while changed:
        changed = False
        for name, by in callers.items():
            if name not in found and name not in escaped and by and by <= found:
                found.add(name)
                changed = True
    yield from found


def _escaped(ctx: FileContext, functions: set[str]) -> set[str]:
    """Functions named other than in a direct call (``alias = f``, ``map(f, ...)``): they may
    be called from anywhere, so their callers in the file are not all of them."""
    called = {
        id(node.func)
        for node in ast.walk(ctx.tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    return {
        node.id
        for node in ast.walk(ctx.tree)
        if isinstance(node, ast.Name) and node.id in functions and id(node) not in called
    }


def _receives_migrate(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``@receiver(post_migrate)``."""
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and last_part(dotted_name(decorator.func)) == "receiver":
            signals = decorator.args[:1]
            if any(last_part(dotted_name(s)) in _MIGRATE_SIGNALS for s in signals):
                return True
    return False


def _connected(ctx: FileContext) -> set[str]:
    """Handlers connected to a migrate signal in this file or in its package's ``apps.py``."""
    names = {m.group(1).decode() for m in _CONNECT.finditer(ctx.source.data)}
    apps = ctx.source.path.with_name("apps.py")
    record("file", str(apps))
    if ctx.source.path.name != "apps.py" and apps.is_file():
        names |= {m.group(1).decode() for m in _CONNECT.finditer(apps.read_bytes())}
    return names
