"""Which expressions are database connections, read from a module's source (EG301, EG302).

Django's connections are known by import: ``django.db.connection``,
``django.db.connections[...]``, ``django.db.transaction.get_connection()``, and
``schema_editor.connection`` in migrations; ``self.connection`` in the backend helpers Django
hands a connection to (schema editor, introspection, operations: ``django.db.backends.*``).
DB-API connections are known by the call that opened them: ``sqlite3.connect``,
``psycopg.connect``, ``psycopg2.connect``, ``pymysql.connect``, ``MySQLdb.connect``,
``mysql.connector.connect``, ``pyodbc.connect``, ``cx_Oracle.connect``, ``oracledb.connect``,
``pymssql.connect``. Through the module, a name also counts when it is bound only to such an
expression: a module-level constant, an attribute ``self.x`` every method of the class sets to
one, a function or method whose every ``return`` gives one. Anything else (a parameter, an
attribute of unknown origin) is not a connection here: when in doubt, errguard does not report.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from errguard.astutil import (
    block_statements,
    collect_imports,
    decorator_name,
    import_bindings,
    is_memoised,
    is_name,
    qualified_name,
)
from errguard.detect.context import FileContext

Function = ast.FunctionDef | ast.AsyncFunctionDef
Key = TypeVar("Key")
DJANGO = "django"
CONNECT_CALLS: Mapping[str, str] = {
    "sqlite3.connect": "sqlite3",
    "sqlite3.dbapi2.connect": "sqlite3",
    "psycopg.connect": "psycopg",
    "psycopg.Connection.connect": "psycopg",
    "psycopg2.connect": "psycopg2",
    "pymysql.connect": "pymysql",
    "pymysql.Connect": "pymysql",
    "MySQLdb.connect": "MySQLdb",
    "MySQLdb.Connect": "MySQLdb",
    "mysql.connector.connect": "mysql.connector",
    "pyodbc.connect": "pyodbc",
    "cx_Oracle.connect": "cx_Oracle",
    "oracledb.connect": "oracledb",
    "pymssql.connect": "pymssql",
}
# Drivers whose connection, used as a context manager, ends a transaction but stays open.
TRANSACTION_ONLY = frozenset({"sqlite3", "psycopg2", "pyodbc"})
_PROPERTIES = frozenset({"property", "cached_property"})
# A module mentioning none of these cannot open a DB-API connection.
_DRIVER_NAMES = (
    *(b"sqlite3", b"psycopg", b"pymysql", b"MySQLdb", b"mysql"),
    *(b"pyodbc", b"cx_Oracle", b"oracledb", b"pymssql"),
)
# ``try`` statements: ``ast.TryStar`` (``except*``) exists from Python 3.11.
TRY_NODES: tuple[type[ast.stmt], ...] = tuple(
    getattr(ast, name) for name in ("Try", "TryStar") if hasattr(ast, name)
)


@dataclass(frozen=True)
class Kind:
    """A connection: ``django``, a DB-API driver's module name, or ``dbapi`` (driver unknown)."""

    family: str
    # A new connection opened by this very expression (a connect call, a factory returning one).
    opened: bool = False


def direct_kind(node: ast.expr, imports: Mapping[str, str]) -> Kind | None:
    """The connection an expression is by itself, without looking up names bound elsewhere."""
    if isinstance(node, ast.Call):
        name = qualified_name(node.func, imports) or ""
        if name in CONNECT_CALLS:
            return Kind(CONNECT_CALLS[name], opened=True)
        return Kind(DJANGO) if name == "django.db.transaction.get_connection" else None
    if isinstance(node, ast.Subscript):
        return (
            Kind(DJANGO) if qualified_name(node.value, imports) == "django.db.connections" else None
        )
    if isinstance(node, ast.Attribute) and is_name(node.value, "schema_editor"):
        return Kind(DJANGO) if node.attr == "connection" else None
    return Kind(DJANGO) if qualified_name(node, imports) == "django.db.connection" else None


class ModuleFacts:
    """Per-file facts: module-level connections, connection attributes and factories.

    Everything beyond the line index is computed on first use: most files mentioning
    ``connection`` never ask about a ``self`` attribute or a factory.
    """

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.imports = dict(ctx.imports)
        self._members: dict[int, tuple[dict[str, Kind | None], dict[str, Kind | None]]] = {}
        self._functions: dict[str, Kind | None] = {}

    @functools.cached_property
    def closing(self) -> tuple[str, bool]:
        """How to spell ``contextlib.closing`` with the module's own imports; True: import it."""
        bound = {
            local: target
            for statement in self.ctx.tree.body
            if isinstance(statement, (ast.Import, ast.ImportFrom))
            for local, target in import_bindings(statement)
        }
        for local, target in bound.items():
            if target == "contextlib.closing":
                return local, False
        for local, target in bound.items():
            if target == "contextlib":
                return f"{local}.closing", False
        return "contextlib.closing", True

    @functools.cached_property
    def classes(self) -> list[ast.ClassDef]:
        return [
            node for node in _all_statements(self.ctx.tree.body) if isinstance(node, ast.ClassDef)
        ]

    @functools.cached_property
    def class_of(self) -> dict[int, ast.ClassDef]:
        """id(method) -> the class defining it."""
        return {id(item): cls for cls in self.classes for item in cls.body}

    @functools.cached_property
    def openers(self) -> tuple[bytes, ...]:
        """``name(`` for this module's functions and methods that open a DB-API connection."""
        data = self.ctx.source.data
        if not any(driver in data for driver in _DRIVER_NAMES):
            return ()
        names = {name for name in self._module_functions if _opens(self._function_kind(name))}
        for cls in self.classes:
            names.update(name for name, kind in self._members_of(cls)[1].items() if _opens(kind))
        return tuple(f"{name}(".encode() for name in names)

    def kind(
        self, node: ast.expr, imports: Mapping[str, str], cls: ast.ClassDef | None
    ) -> Kind | None:
        """The connection ``node`` is, with module names, ``self`` attributes and factories."""
        direct = direct_kind(node, imports)
        if direct is not None:
            return direct
        if isinstance(node, ast.Name):
            return self._globals.get(node.id)
        if isinstance(node, ast.Attribute) and is_name(node.value, "self") and cls is not None:
            return self._members_of(cls)[0].get(node.attr)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                return self._function_kind(func.id)
            if isinstance(func, ast.Attribute) and is_name(func.value, "self") and cls is not None:
                return self._members_of(cls)[1].get(func.attr)
        return None

    @functools.cached_property
    def _globals(self) -> dict[str, Kind | None]:
        """Module-level names bound to a connection (a process-wide one: never "opened")."""
        facts: dict[str, Kind | None] = {}
        for statement in _module_statements(self.ctx.tree.body):
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name):
                    _merge(facts, target.id, _held(statement.value, self.imports))
        return facts

    @functools.cached_property
    def _module_functions(self) -> dict[str, list[Function]]:
        functions: dict[str, list[Function]] = {}
        for statement in _module_statements(self.ctx.tree.body):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.setdefault(statement.name, []).append(statement)
        return functions

    def _function_kind(self, name: str) -> Kind | None:
        if name not in self._functions:
            kinds = {self._returned(f) for f in self._module_functions.get(name, ())}
            self._functions[name] = kinds.pop() if len(kinds) == 1 else None
        return self._functions[name]

    def _returned(self, function: Function) -> Kind | None:
        """The connection every ``return`` of a function gives, when they all give the same."""
        return self._scan(function)[0]

    def _scan(self, function: Function) -> tuple[Kind | None, dict[str, Kind | None]]:
        """In one walk: what ``_returned`` gives, and the connections stored in ``self.x``."""
        local = collect_imports(function.body)
        imports = {**self.imports, **local} if local else self.imports
        kinds: set[Kind | None] = set()
        stored: dict[str, Kind | None] = {}
        # Statements only: returns and assignments are statements, and a generator (which
        # gives no connection) is told by its text, a superset that errs towards "unknown".
        generator = self.ctx.mentions(function, (b"yield",))
        for node in block_statements(function.body):
            if isinstance(node, ast.Return):
                kinds.add(direct_kind(node.value, imports) if node.value is not None else None)
            elif isinstance(node, ast.Assign) and not _is_none(node.value):
                for assigned in node.targets:
                    if isinstance(assigned, ast.Attribute) and is_name(assigned.value, "self"):
                        _merge(stored, assigned.attr, _held(node.value, imports))
        returned = kinds.pop() if len(kinds) == 1 and not generator else None
        if returned is not None and is_memoised(function):
            returned = Kind(returned.family)  # one connection for the process, kept by the cache
        return returned, stored

    def _members_of(
        self, cls: ast.ClassDef
    ) -> tuple[dict[str, Kind | None], dict[str, Kind | None]]:
        """A class's connection attributes (``self.x``) and methods returning connections."""
        if id(cls) in self._members:
            return self._members[id(cls)]
        attributes: dict[str, Kind | None] = {}
        factories: dict[str, Kind | None] = {}
        bases = {qualified_name(base, self.imports) or "" for base in cls.bases}
        if any(_is_backend_helper(base) for base in bases):
            # Django's backend helpers (schema editor, introspection, operations, creation)
            # hold the DatabaseWrapper they serve in ``self.connection``.
            attributes["connection"] = Kind(DJANGO)
        for method in cls.body:
            if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            decorators = {decorator_name(d) for d in method.decorator_list}
            target = attributes if decorators & _PROPERTIES else factories
            returned, stored = self._scan(method)
            _merge(target, method.name, returned)
            for attribute, kind in stored.items():
                _merge(attributes, attribute, kind)
        self._members[id(cls)] = (attributes, factories)
        return attributes, factories


def _held(value: ast.expr, imports: Mapping[str, str]) -> Kind | None:
    """The connection a long-lived name holds when bound to ``value`` (never "opened")."""
    kind = direct_kind(value, imports)
    return Kind(kind.family) if kind is not None else None


def _opens(kind: Kind | None) -> bool:
    return kind is not None and kind.opened


def _all_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a module, into functions and classes (expressions are not visited)."""
    stack = list(body)
    while stack:
        statement = stack.pop()
        yield statement
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(statement, name, ()):
                if isinstance(child, (ast.ExceptHandler, ast.match_case)):
                    stack.extend(child.body)
                elif isinstance(child, ast.stmt):
                    stack.append(child)


def _is_backend_helper(base: str) -> bool:
    return base.startswith("django.db.backends.") and not base.endswith("DatabaseWrapper")


def _module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, also inside ``if``/``try`` blocks, not inside functions."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.If, *TRY_NODES)):
            for name in ("body", "orelse", "finalbody"):
                yield from _module_statements(getattr(statement, name, []))


def _merge(facts: dict[Key, Kind | None], key: Key, kind: Kind | None) -> None:
    """Record a binding; a name bound to different things (or to anything else) is unknown."""
    if key in facts and facts[key] != kind:
        facts[key] = None
    else:
        facts[key] = kind


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
