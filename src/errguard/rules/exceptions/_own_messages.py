"""Handlers that exist for the project's own user message, for EG404.

``check_access(organiser)`` raising ``Exception(_("There must be at least one team"))`` is
the project speaking to its users; ``except Exception as e: raise ValidationError(str(e))``
around it passes that written message on. So does ``except ImproperlyConfigured`` around
``Parser.get_class(path)`` when that method raises it with ``_("Invalid parser %s") % path``.
"""

from __future__ import annotations

import ast
import functools
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from errguard.astutil import dotted_name, last_part, parse_or_none
from errguard.project.reads import record

_TRANSLATIONS = frozenset({"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy"})

# Names that hold an instance or the class inside a method: ``cls.helper()`` is looked up in
# the class the method was found in.
_INSTANCE = ("self.", "cls.")

FunctionLookup = Callable[[str], "ast.FunctionDef | ast.AsyncFunctionDef | None"]


def catches_own_message(
    handler: ast.ExceptHandler, body: list[ast.stmt], lookup: FunctionLookup
) -> bool:
    """The ``try`` calls a project function (``check_access(team)``) or a project class's
    method (``Parser.get_class(path)``) that raises a class the handler catches with a written
    message (a literal or a translated string); the function may reach the raise through a
    method of its own class (``cls.get_for_model(model)``)."""
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    caught = {last_part(dotted_name(node)) for node in types} - {""}
    if not caught:
        return False
    for stmt in body:
        for node in ast.walk(stmt):
            name = dotted_name(node.func) if isinstance(node, ast.Call) else None
            if name is None or name.count(".") > 1 or name.startswith(_INSTANCE):
                continue  # ``obj.attr.method()`` or ``self.method()``: the class is unknown
            function = lookup(name)
            if function is None:
                continue
            owner = name.rpartition(".")[0]
            if _raises_written(function, caught) or (
                owner and _sibling_raises_written(function, owner, caught, lookup)
            ):
                return True
    return False


def _sibling_raises_written(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    owner: str,
    caught: set[str],
    lookup: FunctionLookup,
) -> bool:
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        name = dotted_name(node.func)
        if name is not None and name.count(".") == 1 and name.startswith(_INSTANCE):
            sibling = lookup(f"{owner}.{name.partition('.')[2]}")
            if sibling is not None and _raises_written(sibling, caught):
                return True
    return False


def _raises_written(function: ast.FunctionDef | ast.AsyncFunctionDef, caught: set[str]) -> bool:
    """``function`` raises a caught class, always with a written message: one raise that
    passes on another error's text (``raise ValueError(str(e))``) may be the one caught."""
    raised = [
        node.exc
        for node in ast.walk(function)
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and last_part(dotted_name(node.exc.func)) in caught
    ]
    return bool(raised) and all(
        isinstance(exc, ast.Call) and len(exc.args) == 1 and _written(exc.args[0]) for exc in raised
    )


def _written(node: ast.expr) -> bool:
    """A message the project wrote: a string literal or a translated one, also with values
    filled in (``_("Invalid parser %s") % path``, ``format_lazy(_("..."), label)``)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _written(node.left)
    if not isinstance(node, ast.Call):
        return False
    if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _written(node.func.value)
    name = last_part(dotted_name(node.func))
    message = node.args[0] if node.args else None
    if name in _TRANSLATIONS:
        # ``_("...")``, also as ``gettext(message="...")``
        message = message or next((k.value for k in node.keywords if k.arg == "message"), None)
        return isinstance(message, ast.Constant)
    return name in ("format_lazy", "str") and message is not None and _written(message)


def function_lookup(tree: ast.Module, imports: Mapping[str, str], root: Path) -> FunctionLookup:
    """Finds a function (``check``) or a class's method (``Parser.get_class``) by its local
    name: defined in ``tree`` or imported from a module of the project under ``root``."""
    local = _functions(tree)

    def lookup(name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        if name in local:
            return local[name]
        head, dot, rest = name.partition(".")
        module, _, attribute = imports.get(head, "").rpartition(".")
        if not module:
            return None
        path = root.joinpath(*module.split("."))
        functions = _module_functions(path.with_suffix(".py")) or _module_functions(
            path / "__init__.py"
        )
        return functions.get(f"{attribute}{dot}{rest}")

    return lookup


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The module's functions and its classes' methods (``Class.method``)."""
    found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    members: dict[str, list[str]] = {}  # class -> its method names, inherited ones included
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[stmt.name] = stmt
        elif isinstance(stmt, ast.ClassDef):
            names = members[stmt.name] = []
            for member in stmt.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[f"{stmt.name}.{member.name}"] = member
                    names.append(member.name)
            # Methods of a base class defined earlier in the module (a mixin next to its
            # subclasses), unless overridden: bases listed first win, as in the MRO.
            for base in stmt.bases:
                base_name = base.id if isinstance(base, ast.Name) else ""
                for inherited in members.get(base_name, ()):
                    if f"{stmt.name}.{inherited}" not in found:
                        found[f"{stmt.name}.{inherited}"] = found[f"{base_name}.{inherited}"]
                        names.append(inherited)
    return found


def _module_functions(path: Path) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The module's functions and methods, read again when the file changes (``fix`` rewrites
    files while a process keeps checking them)."""
    record("file", str(path))
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
    return {} if tree is None else _functions(tree)
