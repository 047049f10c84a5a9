"""Per-module import facts, read from source with the stdlib ``ast``.

For each module: every import statement (absolute target, line, whether it runs at import time,
inside a function, or only under ``if TYPE_CHECKING:``, the exceptions a surrounding ``try``
catches, how the names it binds are used), and the ordered *events* that run when the module is
imported: imports, bindings of module-level names, star imports, and reads of attributes of
imported modules (``m.X`` in module-level code, decorators, base classes, default arguments,
class bodies, annotations evaluated at definition time). The crash simulation replays the events.

Facts are plain JSON-friendly tuples so that :class:`errguard.project.cache.FileCache` can keep
them per file content.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from errguard.astutil import dotted_name
from errguard.project.imports.usage import (
    FUNCTIONS,
    RUNTIME,
    Usage,
    type_checking_test,
)
from errguard.project.modules import resolve_relative

IMPORT_TIME = "import-time"
DEFERRED = "deferred"
TYPE_CHECKING_ONLY = "type-checking"
IMPORT_ERROR, ATTRIBUTE_ERROR = "ImportError", "AttributeError"
# Exceptions a handler clause catches, among the two a circular import raises.
_CATCHES = {
    "ImportError": (IMPORT_ERROR,),
    "AttributeError": (ATTRIBUTE_ERROR,),
    "Exception": (IMPORT_ERROR, ATTRIBUTE_ERROR),
    "BaseException": (IMPORT_ERROR, ATTRIBUTE_ERROR),
}


@dataclass(frozen=True, slots=True)
class ImportStatement:
    line: int
    column: int  # ast col_offset of the statement
    end_line: int
    kind: str  # IMPORT_TIME, DEFERRED or TYPE_CHECKING_ONLY
    # Failures a surrounding ``try`` catches; an ``except`` handler body runs only on failure.
    catches: tuple[str, ...]
    conditional: bool
    is_from: bool
    module: str  # absolute: ``from X import ...`` and ``import X`` both give X
    names: tuple[str, ...]  # from-imports: the imported names ("*" for a star import)
    bound: tuple[str, ...]  # local names bound (for ``import a.b``: "a")
    uses: tuple[str, ...]  # where the bound names are read: ANNOTATION, FUNCTION, RUNTIME
    used: int  # how many distinct names (or module attributes) the module reads through it
    module_scope: bool  # binds module names (not class attributes, not function locals)


@dataclass(frozen=True, slots=True)
class Event:
    """One thing importing the module does, in order.

    ``import``: run statement ``statement`` (``name``: the class whose body holds it);
    ``bind``: ``name`` gets a value at ``line``; ``define``: the same in an ``except`` branch,
    which runs only when something failed (a definition, not a binding, for the simulation);
    ``attr``: module-level read of ``name.attrs[0].attrs[1]...`` where ``name`` is bound by an
    import (or is a class whose body imports).
    """

    kind: str
    line: int
    statement: int = -1
    name: str = ""
    attrs: tuple[str, ...] = ()
    catches: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleFacts:
    module: str
    is_package: bool
    statements: tuple[ImportStatement, ...] = ()
    events: tuple[Event, ...] = ()
    # Names can appear at run time in ways the source does not show (__getattr__, globals()).
    dynamic: bool = False
    # Names assigned through ``global`` inside functions: defined whenever those run.
    globals_: frozenset[str] = field(default_factory=frozenset)
    future_annotations: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "statements": [_statement_json(s) for s in self.statements],
            "events": [[e.kind, e.line, e.statement, e.name, list(e.attrs), list(e.catches)]
                       for e in self.events],
            "dynamic": self.dynamic,
            "globals": sorted(self.globals_),
            "future": self.future_annotations,
        }  # fmt: skip

    @classmethod
    def from_json(cls, module: str, is_package: bool, data: dict[str, Any]) -> ModuleFacts:
        return cls(
            module,
            is_package,
            tuple(_statement_from_json(s) for s in data["statements"]),
            tuple(
                Event(kind, line, statement, name, tuple(attrs), tuple(catches))
                for kind, line, statement, name, attrs, catches in data["events"]
            ),
            data["dynamic"],
            frozenset(data["globals"]),
            data["future"],
        )


def _statement_json(statement: ImportStatement) -> list[Any]:
    return [
        getattr(statement, name) if not isinstance(getattr(statement, name), tuple)
        else list(getattr(statement, name))
        for name in ImportStatement.__slots__
    ]  # fmt: skip


def _statement_from_json(data: Sequence[Any]) -> ImportStatement:
    values: list[Any] = [tuple(v) if isinstance(v, list) else v for v in data]
    return ImportStatement(*values)


@dataclass(frozen=True, slots=True)
class _Where:
    """Where a statement sits: does it run on import, and what would catch its failure."""

    kind: str = IMPORT_TIME
    catches: tuple[str, ...] = ()
    conditional: bool = False
    module_scope: bool = True  # bindings here are module names (not class attributes)
    owner: str = ""  # the module-level class whose body this is ("Outer.Inner")

    @property
    def runs(self) -> bool:
        return self.kind == IMPORT_TIME and not self.conditional


def extract(tree: ast.Module, module: str, *, is_package: bool) -> ModuleFacts:
    return _Extractor(tree, module, is_package).facts()


class _Extractor:
    def __init__(self, tree: ast.Module, module: str, is_package: bool) -> None:
        self.tree = tree
        self.module = module
        self.is_package = is_package
        self.future = any(
            isinstance(s, ast.ImportFrom)
            and s.module == "__future__"
            and any(a.name == "annotations" for a in s.names)
            for s in tree.body
        )
        # One entry per statement, or per name of ``import a, b`` (each is its own import).
        self.statements: list[tuple[ast.Import | ast.ImportFrom, ast.alias | None, _Where]] = []
        self.events: list[Event] = []
        self.globals: set[str] = set()

    def facts(self) -> ModuleFacts:
        self._block(self.tree.body, _Where())
        usage = Usage(self.tree, self.future)
        statements = tuple(self._statement(*entry, usage) for entry in self.statements)
        import_bound = {name for s in statements if s.kind == IMPORT_TIME for name in s.bound}
        import_bound |= {e.name.split(".")[0] for e in self.events if e.kind == "import" and e.name}
        events = tuple(e for e in self.events if e.kind != "attr" or e.name in import_bound)
        return ModuleFacts(
            self.module,
            self.is_package,
            statements,
            events,
            usage.dynamic,
            frozenset(self.globals),
            self.future,
        )

    def _statement(
        self,
        node: ast.Import | ast.ImportFrom,
        alias: ast.alias | None,
        where: _Where,
        usage: Usage,
    ) -> ImportStatement:
        if isinstance(node, ast.ImportFrom):
            relative = "." * node.level + (node.module or "")
            target = resolve_relative(relative, self.module, is_package=self.is_package)
            names = tuple(alias.name for alias in node.names)
            bound = tuple(alias.asname or alias.name for alias in node.names if alias.name != "*")
            used = sum(1 for name in bound if usage.contexts.get(name))
        else:
            assert alias is not None
            target = alias.name
            names = ()
            bound = (alias.asname or alias.name.split(".", 1)[0],)
            used = len(usage.chains.get(bound[0], ()))
        contexts = {c for name in bound for c in usage.contexts.get(name, ())}
        if self.is_package and isinstance(node, ast.ImportFrom) and where.module_scope:
            # A package's from-imports are its public names: ``from app import helper``.
            contexts.add(RUNTIME)
            used = len(bound)
        return ImportStatement(
            line=node.lineno,
            column=node.col_offset,
            end_line=node.end_lineno or node.lineno,
            kind=where.kind,
            catches=where.catches,
            conditional=where.conditional,
            is_from=isinstance(node, ast.ImportFrom),
            module=target,
            names=names,
            bound=bound,
            uses=tuple(sorted(contexts)),
            used=used,
            module_scope=where.module_scope,
        )

    # -- the ordered walk of what runs on import ---------------------------------------------

    def _block(self, body: Iterable[ast.stmt], where: _Where) -> None:
        for statement in body:
            self._one(statement, where)

    def _one(self, node: ast.stmt, where: _Where) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node, where)
        elif isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            self._definition(node, where)
        elif isinstance(node, ast.If):
            self._if(node, where)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self._try(node, where)
        elif isinstance(node, ast.Global):
            if where.kind == DEFERRED:
                self.globals.update(node.names)
        else:
            self._simple(node, where)

    def _import(self, node: ast.Import | ast.ImportFrom, where: _Where) -> None:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            return
        aliases: list[ast.alias | None] = (
            list(node.names) if isinstance(node, ast.Import) else [None]
        )
        for alias in aliases:
            index = len(self.statements)
            self.statements.append((node, alias, where))
            if where.runs:
                event = Event("import", node.lineno, index, where.owner, catches=where.catches)
                self.events.append(event)
        if (
            where.kind == IMPORT_TIME and where.conditional and where.module_scope
        ):  # in an except handler: not run, but its names count as defined
            for alias in node.names:
                if alias.name != "*":
                    self._bind(alias.asname or alias.name.split(".")[0], node, where)

    def _definition(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, where: _Where
    ) -> None:
        for expression in _evaluated_on_definition(node, annotations=not self.future):
            self._reads(expression, where)
        if isinstance(node, ast.ClassDef):
            owner = f"{where.owner}.{node.name}" if where.owner else node.name
            inner = _replace(where, module_scope=False, owner=owner if where.runs else "")
            self._block(node.body, inner)
        else:
            kind = DEFERRED if where.kind == IMPORT_TIME else where.kind
            self._block(node.body, _Where(kind, module_scope=False))
        self._bind(node.name, node, where)

    def _if(self, node: ast.If, where: _Where) -> None:
        if where.module_scope and where.kind == IMPORT_TIME and _is_main_guard(node.test):
            # ``if __name__ == "__main__":`` runs when the file is a script, never on import.
            self._block(node.body, _replace(where, kind=DEFERRED, module_scope=False))
            self._block(node.orelse, where)
            return
        guard = type_checking_test(node.test)
        if guard is None:
            self._reads(node.test, where)
        typing_only = (
            _replace(where, kind=TYPE_CHECKING_ONLY) if where.kind == IMPORT_TIME else where
        )
        self._block(node.body, typing_only if guard is True else where)
        self._block(node.orelse, typing_only if guard is False else where)

    def _try(self, node: Any, where: _Where) -> None:
        caught = tuple(sorted({c for h in node.handlers for c in _caught(h.type)}))
        self._block(node.body, _replace(where, catches=tuple(sorted({*where.catches, *caught}))))
        for handler in node.handlers:
            self._block(handler.body, _replace(where, conditional=True))
        self._block(node.orelse, where)
        self._block(node.finalbody, where)

    def _simple(self, node: ast.stmt, where: _Where) -> None:
        """Any other statement: read its expressions, bind its targets, run nested blocks."""
        for name in ("test", "iter", "value", "subject", "exc", "msg", "annotation"):
            child = getattr(node, name, None)
            if isinstance(child, ast.expr) and (name != "annotation" or not self.future):
                self._reads(child, where)
        for item in getattr(node, "items", ()):  # with ...:
            self._reads(item.context_expr, where)
            if item.optional_vars is not None:
                self._bind_targets(item.optional_vars, node, where)
        for target in _targets(node):
            self._bind_targets(target, node, where)
        for name in ("body", "orelse", "finalbody"):
            self._block(getattr(node, name, ()), where)
        for case in getattr(node, "cases", ()):
            self._block(case.body, where)

    def _bind_targets(self, target: ast.expr, node: ast.stmt, where: _Where) -> None:
        for name in _stored_names(target):
            self._bind(name, node, where)

    def _bind(self, name: str, node: ast.stmt, where: _Where) -> None:
        if where.module_scope and where.kind == IMPORT_TIME:
            kind = "define" if where.conditional else "bind"
            self.events.append(Event(kind, node.lineno, name=name))

    def _reads(self, expression: ast.expr, where: _Where) -> None:
        if not where.runs:
            return
        for read, chain in _attribute_chains(expression):
            self.events.append(
                Event("attr", read.lineno, name=chain[0], attrs=chain[1:], catches=where.catches)
            )
        if where.module_scope and where.kind == IMPORT_TIME:
            for node in _walk_evaluated(expression):
                if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                    self.events.append(Event("bind", node.lineno, name=node.target.id))


def _stored_names(target: ast.expr) -> Iterator[str]:
    """The names an assignment target binds (``a``, ``a, *b``; not ``x.a`` or ``x[a]``)."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _stored_names(element)
    elif isinstance(target, ast.Starred):
        yield from _stored_names(target.value)


def _replace(where: _Where, **changes: Any) -> _Where:
    values = {name: getattr(where, name) for name in _Where.__slots__}
    values.update(changes)
    return _Where(**values)


def _targets(node: ast.stmt) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, ast.AnnAssign):
        return [node.target] if node.value is not None else []
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return [node.target]
    return []


def _is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"``, either way round."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = {ast.dump(test.left), ast.dump(test.comparators[0])}
    return sides == {ast.dump(ast.Name("__name__", ast.Load())), ast.dump(ast.Constant("__main__"))}


def _caught(handler_type: ast.expr | None) -> Iterator[str]:
    if handler_type is None:
        yield from (IMPORT_ERROR, ATTRIBUTE_ERROR)
        return
    items = handler_type.elts if isinstance(handler_type, ast.Tuple) else [handler_type]
    for item in items:
        name = dotted_name(item)
        if name is not None:
            yield from _CATCHES.get(name.rsplit(".", 1)[-1], ())


def _evaluated_on_definition(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, *, annotations: bool
) -> Iterator[ast.expr]:
    """Expressions a ``def``/``class`` statement evaluates when it runs, before binding."""
    yield from node.decorator_list
    if isinstance(node, ast.ClassDef):
        yield from node.bases
        yield from (keyword.value for keyword in node.keywords)
        return
    arguments = node.args
    yield from arguments.defaults
    yield from (default for default in arguments.kw_defaults if default is not None)
    if annotations:
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
        yield from (arg.annotation for arg in every if arg.annotation is not None)
        if node.returns is not None:
            yield node.returns


def _walk_evaluated(expression: ast.expr) -> Iterator[ast.AST]:
    """Nodes of an expression that are evaluated now: lambda bodies are not."""
    stack: list[ast.AST] = [expression]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.Lambda):
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _attribute_chains(expression: ast.expr) -> Iterator[tuple[ast.expr, tuple[str, ...]]]:
    """Outermost ``name.attr.attr`` chains read by the expression: ``("m", "X")`` for ``m.X``."""
    stack: list[ast.AST] = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            name = dotted_name(node)
            if name is not None:
                yield node, tuple(name.split("."))
                continue
        if isinstance(node, ast.Lambda):
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        stack.extend(ast.iter_child_nodes(node))
