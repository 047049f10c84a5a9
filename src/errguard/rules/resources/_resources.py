"""Where a cursor or a connection goes after it is opened, within one function (EG301, EG302).

The analysis follows the object from the call that opens it through names, method chains and
arguments, and classifies every place it reaches: used, closed, managed (``with``,
``contextlib.closing``, a registered ``.close``), or escaping (returned, yielded, stored on an
object or in a container, captured by a nested function, or handed to code that may keep it).
Anything that escapes or is managed is left alone: ownership is the caller's or the container's.
Which expressions are connections is decided in ``_connections``; the fix is planned in
``_resources_fix``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass, field

from errguard.astutil import SCOPE_NODES, collect_imports, last_part, qualified_name
from errguard.detect.context import FileContext
from errguard.rules.resources._connections import DJANGO, TRY_NODES, Function, Kind, ModuleFacts

USE, CLOSE, MANAGED, ESCAPE, LENT, TRANSACTION, BIND = (
    "use",
    "close",
    "managed",
    "escape",
    "lent",
    "transaction",
    "bind",
)
# What flows: the object itself, the object wrapped in ``closing()``, or something made from it
# (a cursor of the connection, the result of ``execute()``, a generator over it).
SELF, CLOSER, DERIVED = "self", "closer", "derived"
# Methods whose result may hold on to the resource: a cursor, the cursor itself, a stream.
_CHAINED = frozenset(
    {"cursor", "chunked_cursor", "execute", "executemany", "executescript", "stream", "__enter__"}
)
# Callables that read what they are given and return plain values.
_BORROWERS = frozenset(
    {
        *("list", "tuple", "dict", "set", "frozenset", "sorted", "len", "any", "all", "sum"),
        *("min", "max", "print", "repr", "str", "bool", "isinstance", "hasattr", "getattr"),
        *("read_sql", "read_sql_query", "read_sql_table", "to_sql"),
    }
)
# Callables whose result iterates what they are given, lazily.
_LAZY = frozenset({"iter", "enumerate", "zip", "map", "filter", "reversed"})
Position = tuple[int, int]
_FACTS_KEY, _SCOPES_KEY = "resources.facts", "resources.scopes"
Work = list[tuple[ast.AST, str]]


@dataclass
class Trace:
    """Every place the resource reached: (node, role, what flowed there)."""

    sites: list[tuple[ast.AST, str, str]] = field(default_factory=list)
    # Names that hold the resource or something made from it -> the statement binding them.
    names: dict[str, ast.stmt] = field(default_factory=dict)
    # The statement that first binds the resource itself to a name, and that name.
    primary: ast.stmt | None = None
    name: str | None = None

    def roles(self) -> set[str]:
        return {role for _, role, _ in self.sites}

    def closes(self) -> list[ast.AST]:
        return [node for node, role, _ in self.sites if role == CLOSE]


@dataclass(frozen=True)
class Leak:
    """A resource not closed on every path; ``how`` says which way, ``trace`` where it went."""

    call: ast.Call
    how: str  # "never", "happy", "error-only", "once", "transaction"
    trace: Trace


class Scope:
    """One function's names, parents and statement blocks (nested functions are not entered)."""

    def __init__(self, function: Function, facts: ModuleFacts) -> None:
        self.function = function
        self.facts = facts
        self.imports = {**facts.imports, **collect_imports(function.body)}
        self.parents: dict[ast.AST, ast.AST] = {}
        self.blocks: dict[ast.AST, tuple[list[ast.stmt], int]] = {}
        self.loads: defaultdict[str, list[ast.Name]] = defaultdict(list)
        self.stores: defaultdict[str, list[ast.AST]] = defaultdict(list)
        self.nested: set[str] = set()
        self.declared: set[str] = set()
        self.calls: list[ast.Call] = []
        arguments = function.args
        for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
            self.stores[argument.arg].append(argument)
        for extra in (arguments.vararg, arguments.kwarg):
            if extra is not None:
                self.stores[extra.arg].append(extra)
        self._walk()

    def _walk(self) -> None:
        stack: list[ast.AST] = [self.function]
        while stack:
            node = stack.pop()
            for name in ("body", "orelse", "finalbody"):
                statements = getattr(node, name, None)
                if isinstance(statements, list):
                    for index, statement in enumerate(statements):
                        self.blocks[statement] = (statements, index)
            children = node.body if node is self.function else ast.iter_child_nodes(node)
            for child in children:
                self.parents[child] = node
                if isinstance(child, SCOPE_NODES):
                    self.nested.update(n.id for n in ast.walk(child) if isinstance(n, ast.Name))
                    continue
                if isinstance(child, ast.Name):
                    bucket = self.loads if isinstance(child.ctx, ast.Load) else self.stores
                    bucket[child.id].append(child)
                elif isinstance(child, ast.Call):
                    self.calls.append(child)
                elif isinstance(child, (ast.Global, ast.Nonlocal)):
                    self.declared.update(child.names)
                stack.append(child)

    @property
    def names(self) -> set[str]:
        """Every name this function mentions, nested functions included."""
        return {*self.loads, *self.stores, *self.nested, *self.declared}

    def statement_of(self, node: ast.AST) -> ast.stmt | None:
        while not isinstance(node, ast.stmt):
            parent = self.parents.get(node)
            if parent is None:
                return None
            node = parent
        return node

    def ancestors(self, node: ast.AST) -> list[ast.AST]:
        """``node``'s parents, innermost first, up to (not including) the function."""
        chain = []
        parent = self.parents.get(node)
        while parent is not None and parent is not self.function:
            chain.append(parent)
            parent = self.parents.get(parent)
        return chain

    # Which expressions are connections -------------------------------------------------------

    def connection_kind(self, node: ast.expr, depth: int = 0) -> Kind | None:
        if depth > 4:
            return None
        if isinstance(node, ast.Name) and node.id in self.stores:
            return self._local_kind(node.id, depth)
        if isinstance(node, ast.Attribute) and node.attr == "connection":
            inner = self.connection_kind(node.value, depth + 1)
            if inner is not None and inner.family == DJANGO:
                return Kind("dbapi")  # the driver's connection under Django's wrapper
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return (
                None if node.func.id in self.stores else self.facts.kind(node, self.imports, None)
            )
        return self.facts.kind(node, self.imports, self.facts.class_of.get(id(self.function)))

    def _local_kind(self, name: str, depth: int) -> Kind | None:
        """The connection a local name holds, when every binding of it gives the same one."""
        kinds = set()
        for store in self.stores[name]:
            parent = self.parents.get(store)
            if isinstance(parent, (ast.Assign, ast.AnnAssign)) and store in _targets(parent):
                value = parent.value
                kinds.add(self.connection_kind(value, depth + 1) if value is not None else None)
            elif isinstance(parent, ast.withitem):
                value = _unwrap_closing(parent.context_expr, self.imports)
                kinds.add(self.connection_kind(value, depth + 1))
            elif isinstance(parent, (ast.For, ast.comprehension)) and parent.target is store:
                iterable = parent.iter
                every = isinstance(iterable, ast.Call) and (
                    qualified_name(iterable.func, self.imports) == "django.db.connections.all"
                )
                kinds.add(Kind(DJANGO) if every else None)
            else:
                return None
        return kinds.pop() if len(kinds) == 1 else None

    # Following the resource --------------------------------------------------------------------

    def trace(self, start: ast.Call, transaction_only: bool) -> Trace:
        trace = Trace()
        work: Work = [(start, SELF)]
        seen: set[int] = set()
        while work:
            node, flow = work.pop()
            if id(node) not in seen:
                seen.add(id(node))
                self._follow(node, flow, trace, work, transaction_only)
        return trace

    def _follow(
        self, node: ast.AST, flow: str, trace: Trace, work: Work, transaction_only: bool
    ) -> None:
        parent = self.parents.get(node)
        site = trace.sites.append
        lazy = self._lazy_holder(node)
        if lazy is not None:  # a generator expression reads it later, when iterated
            site((node, USE, flow))
            work.append((lazy, DERIVED))
        elif flow == CLOSER and not isinstance(parent, ast.withitem):
            site((node, MANAGED, flow))  # closing() handed to an ExitStack, or returned
        elif isinstance(parent, ast.Attribute):
            self._member(parent, flow, trace, work)
        elif isinstance(parent, ast.withitem):
            if flow == CLOSER or (flow == SELF and not transaction_only):
                site((node, MANAGED, flow))
                return
            site((node, TRANSACTION if flow == SELF else USE, flow))
            target = parent.optional_vars
            if isinstance(target, ast.Name):
                self._bind(target, flow, trace, work)
            elif target is not None:
                site((node, ESCAPE, flow))
        elif isinstance(parent, (ast.Call, ast.keyword)):
            call = self.parents.get(parent) if isinstance(parent, ast.keyword) else parent
            if not isinstance(call, ast.Call) or call.func is node:
                site((node, USE, flow))
                return
            callee = qualified_name(call.func, self.imports) or ""
            if last_part(callee) == "closing":
                site((node, USE, flow))  # closing a cursor does not close its connection
                work.append((call, CLOSER if flow == SELF else DERIVED))
            elif last_part(callee) in _LAZY:
                site((node, USE, flow))
                work.append((call, DERIVED))
            else:
                site((node, USE if _borrows(callee) else LENT, flow))
        elif isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
            targets = _targets(parent)
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                site((node, BIND, flow))
                self._bind(targets[0], flow, trace, work)
            else:
                site((node, ESCAPE, flow))
        elif isinstance(parent, ast.BoolOp):
            site((node, USE, flow))
            work.append((parent, flow))
        else:
            site((node, USE if _read_only(node, parent) else ESCAPE, flow))

    def _lazy_holder(self, node: ast.AST) -> ast.GeneratorExp | None:
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, ast.stmt):
                return None
            if isinstance(ancestor, ast.GeneratorExp):
                return ancestor
        return None

    def _member(self, attribute: ast.Attribute, flow: str, trace: Trace, work: Work) -> None:
        call = self.parents.get(attribute)
        called = isinstance(call, ast.Call) and call.func is attribute
        role = USE
        if attribute.attr == "close" and flow == SELF:
            role = CLOSE if called else MANAGED  # an uncalled ``.close`` is registered somewhere
        trace.sites.append((attribute.value, role, flow))
        if isinstance(call, ast.Call) and called and attribute.attr in _CHAINED:
            work.append((call, DERIVED))

    def _bind(self, target: ast.Name, flow: str, trace: Trace, work: Work) -> None:
        name = target.id
        statement = self.statement_of(target)
        if statement is None:
            return
        trace.names.setdefault(name, statement)
        if flow == SELF and trace.primary is None:
            trace.primary, trace.name = statement, name
        if name in self.declared or name in self.nested:
            trace.sites.append((target, ESCAPE, flow))
            return
        assigned = isinstance(statement, (ast.Assign, ast.AnnAssign))
        after = _end(statement) if assigned else _end(target)
        until = min((_start(s) for s in self.stores[name] if _start(s) > after), default=None)
        work.extend(
            (load, flow)
            for load in self.loads[name]
            if after < _start(load) and (until is None or _start(load) < until)
        )

    # Verdict -----------------------------------------------------------------------------------

    def leak(self, call: ast.Call, transaction_only: bool = False) -> Leak | None:
        """The resource opened by ``call`` when it is not closed on every path, else None."""
        trace = self.trace(call, transaction_only)
        roles = trace.roles()
        closes = trace.closes()
        if ESCAPE in roles or MANAGED in roles or (LENT in roles and not closes):
            return None
        if any(close is call for close in closes) or isinstance(self.parents.get(call), ast.Expr):
            # ``connection.cursor().close()`` is closed as soon as it is opened; a bare
            # ``sqlite3.connect(path)`` is dropped at once (or is expected to raise, in a test).
            return None
        if trace.primary is not None and (
            self._closed_at_once(trace) or any(self._finally_closes(trace, c) for c in closes)
        ):
            return None
        if not closes and TRANSACTION in roles and isinstance(self.parents.get(call), ast.withitem):
            how = "transaction"
        elif trace.primary is None:
            how = "once"
        elif any(not self._in_handler(close) for close in closes):
            how = "happy"
        else:
            how = "error-only" if closes else "never"
        return Leak(call, how, trace)

    def _closed_at_once(self, trace: Trace) -> bool:
        """``x = open()`` directly followed by ``x.close()``: nothing in between can fail."""
        primary = trace.primary
        if not isinstance(primary, (ast.Assign, ast.AnnAssign)) or primary not in self.blocks:
            return False
        statements, index = self.blocks[primary]
        following = statements[index + 1] if index + 1 < len(statements) else None
        return following is not None and is_close_of(following, trace.name)

    def _finally_closes(self, trace: Trace, close: ast.AST) -> bool:
        """A close in the ``finally`` of a ``try`` that covers every later use of the resource."""
        primary = trace.primary
        assert primary is not None
        child = close
        for guard in self.ancestors(close):
            if isinstance(guard, TRY_NODES) and any(child is s for s in _finalbody(guard)):
                break
            child = guard
        else:
            return False
        if not self._guards(guard, primary):
            return False
        # Uses between the open and the ``try`` (an execute() that raises) escape the finally;
        # making a cursor or binding a name there cannot fail in practice.
        return all(
            _start(guard) <= _start(node) < _end(guard) or self._cannot_fail(node, role)
            for node, role, _ in trace.sites
            if _start(node) >= _end(primary)
        )

    def _cannot_fail(self, node: ast.AST, role: str) -> bool:
        parent = self.parents.get(node)
        return role == BIND or (isinstance(parent, ast.Attribute) and parent.attr == "cursor")

    def _guards(self, guard: ast.AST, statement: ast.stmt) -> bool:
        """Whether ``guard`` holds ``statement`` or runs after it in the same or an outer block."""
        block, index = self.blocks.get(guard, ([], -1))
        for node in (statement, *self.ancestors(statement)):
            if node is guard:
                return True
            position = self.blocks.get(node)
            if position is not None and position[0] is block and position[1] < index:
                return True
        return False

    def _in_handler(self, node: ast.AST) -> bool:
        return any(isinstance(parent, ast.ExceptHandler) for parent in self.ancestors(node))


def _start(node: ast.AST) -> Position:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _end(node: ast.AST) -> Position:
    return getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0


def _borrows(callee: str) -> bool:
    last = last_part(callee)
    return (
        last in _BORROWERS
        or "fetch" in last.lower()
        or ".introspection." in callee
        or ".ops." in callee
    )


def _finalbody(node: ast.AST) -> list[ast.stmt]:
    body = getattr(node, "finalbody", [])
    return body if isinstance(body, list) else []


def _targets(statement: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return statement.targets if isinstance(statement, ast.Assign) else [statement.target]


def _read_only(node: ast.AST, parent: ast.AST | None) -> bool:
    """Whether ``parent`` only looks at ``node`` (iterates, tests, discards it)."""
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)):
        return parent.iter is node
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)):
        return parent.test is node
    if isinstance(parent, ast.UnaryOp):
        return isinstance(parent.op, ast.Not)
    return isinstance(parent, (ast.Expr, ast.Compare))


def _unwrap_closing(node: ast.expr, imports: dict[str, str]) -> ast.expr:
    """``x`` for ``closing(x)``, else the node itself."""
    if not isinstance(node, ast.Call) or not node.args:
        return node
    return node.args[0] if last_part(qualified_name(node.func, imports)) == "closing" else node


def is_close_of(statement: ast.stmt, name: str | None) -> bool:
    """Whether ``statement`` is exactly ``<name>.close()``."""
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return False
    func = statement.value.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "close"
        and isinstance(func.value, ast.Name)
        and func.value.id == name
        and not statement.value.args
    )


def module_facts(ctx: FileContext) -> ModuleFacts:
    facts = ctx.cache.get(_FACTS_KEY)
    if not isinstance(facts, ModuleFacts):
        facts = ctx.cache[_FACTS_KEY] = ModuleFacts(ctx)
    return facts


def scope_for(ctx: FileContext, function: Function, needles: tuple[bytes, ...]) -> Scope | None:
    """The function's analysis, built once per file for both rules; None when it cannot hit."""
    if not ctx.mentions(function, needles):
        return None
    facts = module_facts(ctx)
    scopes = ctx.cache.setdefault(_SCOPES_KEY, {})
    assert isinstance(scopes, dict)
    scope = scopes.get(id(function))
    if scope is None:
        scope = scopes[id(function)] = Scope(function, facts)
    assert isinstance(scope, Scope)
    return scope
