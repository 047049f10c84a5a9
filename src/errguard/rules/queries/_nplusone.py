"""The N+1 analysis of one function, shared by EG101 (relation loads) and EG102 (queries).

The function is walked once, in statement order, keeping what each local name holds (a
queryset, an instance from a loop, a model class). At every loop over a queryset, what the body
reads from the loop variable is checked against what the queryset loaded; inside every loop over
data-sized input, every query the body runs is noted.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from errguard.astutil import (
    SCOPE_NODES,
    caches_in_dict,
    dotted_name,
    is_memoised,
    last_part,
    walk_scope,
)
from errguard.project.models.accesses import (
    WRITE_METHODS,
    attribute_path,
    collect_accesses,
    does_database_work,
    writes,
)
from errguard.registry import Function
from errguard.rules.queries._bindings import (
    ROW_SHORTCUTS,
    Binding,
    ContextDict,
    Instance,
    ModelClass,
    QuerySet,
    merge_bindings,
)
from errguard.rules.queries._loops import (
    data_sized,
    exit_depth,
    exits,
    literal_bound,
    on_key_change,
    repeated_nodes,
    runs_once,
)
from errguard.rules.queries._nplusone_calls import CallFollower
from errguard.rules.queries._nplusone_known import bound_arguments
from errguard.rules.queries._querysets import Resolver, env_key
from errguard.rules.queries._relations import Load, interpret

EXECUTING = frozenset(
    {"get", "first", "last", "earliest", "latest", "count", "exists", "aggregate", "in_bulk"}
)
EVALUATING_CALLS = frozenset({"list", "len", "bool", "tuple", "sorted", "set"})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(frozen=True)
class Loop:
    node: ast.AST
    iterable: ast.expr
    queryset: QuerySet | None
    targets: frozenset[str]
    assigned: frozenset[str] = frozenset()  # names (re)bound on every iteration, targets too
    # Its length grows with a table or a file (EG102): the rows of a queryset not confined to
    # given objects, or the rows of a file, or values derived from them.
    grows: bool = False
    # Not a loop in the code: Django runs the function once per row (an admin list_display
    # method), so fixes go into the admin's list_select_related instead.
    change_list: bool = False


@dataclass(frozen=True)
class RelationLoad:
    """EG101: reading ``load.lookup`` from a loop variable runs a query on every iteration."""

    node: ast.AST
    load: Load
    variable: str
    loop: Loop
    instance: Instance
    via: str = ""  # a same-module function the loop variable was passed to
    # Reached through project calls (``_nplusone_calls``): the call in the loop and the chain
    # after it ("email.as_bytes() -> as_message()"), and the callee's name for the row.
    through: str = ""
    parameter: str = ""

    # The related model has a default ordering (a prefetch then serves first()/last()).
    target_ordered: bool = False

    @property
    def text(self) -> str:
        if self.load.detail.startswith("__str__"):
            return f"str({self.variable})"
        return f"{self.variable}.{self.load.detail}"


@dataclass(frozen=True)
class QueryInLoop:
    """EG102: a query the loop body runs on every iteration."""

    node: ast.AST
    method: str
    queryset: QuerySet
    loop: Loop
    invariant: bool
    grows: bool  # some loop around it grows with a table or a file


@dataclass
class _Scope:
    env: dict[str, Binding]
    unbounded: frozenset[str]
    loops: tuple[Loop, ...] = ()  # enclosing loops over data-sized input, innermost last
    # Queryset variables already evaluated since they were bound: their rows are cached.
    evaluated: frozenset[str] = frozenset()
    # Names holding what grows with a table or a file (``Loop.grows``), not with an argument.
    grows: frozenset[str] = frozenset()

    def copy(self) -> _Scope:
        return _Scope(dict(self.env), self.unbounded, self.loops, self.evaluated, self.grows)

    def evaluate(self, node: ast.expr) -> None:
        if isinstance(node, ast.Name) and isinstance(self.env.get(node.id), QuerySet):
            self.evaluated = self.evaluated | {node.id}


@dataclass
class FunctionAnalysis:
    resolver: Resolver
    # Same-module functions by name, and the enclosing class's methods as "self.<name>".
    functions: Mapping[str, Function]
    loads: list[RelationLoad] = field(default_factory=list)
    queries: list[QueryInLoop] = field(default_factory=list)
    _seen: set[tuple[int, str]] = field(default_factory=set)
    _helper_queries: dict[str, QuerySet | None] = field(default_factory=dict)
    _discarded: set[int] = field(default_factory=set)  # calls whose result is not used
    # Follows the rows into the project's functions and methods; the class of the function.
    follower: CallFollower | None = None
    owner: str | None = None

    def run(
        self, body: Sequence[ast.stmt], params: Iterable[str], env: Mapping[str, Binding]
    ) -> None:
        unbounded = frozenset(p for p in params if p not in ("self", "cls"))
        self._block(body, _Scope(dict(env), unbounded))

    def run_per_row(self, body: Sequence[ast.stmt], row: str, rows: QuerySet) -> None:
        """A function Django calls once per row of ``rows`` (an admin ``list_display``
        method): its reads of ``row`` are reads in a loop over the rows."""
        loop = Loop(rows.origin, rows.origin, rows, frozenset({row}), change_list=True)
        instance = Instance(rows.model, rows.loaded, rows, (), row)
        scope = _Scope({row: instance}, frozenset(), (loop,))
        self._relations(loop, scope, list(body))  # the whole body runs for every row

    # -- statements ----------------------------------------------------------------------
    def _block(self, stmts: Iterable[ast.stmt], scope: _Scope) -> _Scope:
        for stmt in stmts:
            scope = self._statement(stmt, scope)
        return scope

    def _statement(self, stmt: ast.stmt, scope: _Scope) -> _Scope:
        if isinstance(stmt, SCOPE_NODES):
            return scope
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._expressions(stmt.iter, scope)
            return self._for(stmt, scope)
        if isinstance(stmt, ast.While):
            self._expressions(stmt.test, scope)
            return _merge(scope, self._block(stmt.body, scope.copy()))
        if isinstance(stmt, ast.If):
            self._expressions(stmt.test, scope)
            self._truth_test(stmt.test, scope)
            body = self._branch(stmt.body, scope, per_group=on_key_change(stmt))
            return _merge(body, self._branch(stmt.orelse, scope))
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self._expressions(item.context_expr, scope)
            return self._block(stmt.body, scope)
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            return self._try(stmt, scope)
        if isinstance(stmt, ast.Match):
            self._expressions(stmt.subject, scope)
            merged = scope
            for case in stmt.cases:
                merged = _merge(merged, self._block(case.body, scope.copy()))
            return merged
        if isinstance(stmt, (ast.Return, ast.Raise)) and scope.loops:
            self._expressions(stmt, _Scope(scope.env, scope.unbounded, grows=scope.grows))  # once
            return scope
        if isinstance(stmt, ast.Expr):
            # A helper called for its effect (a merge, a sync) is work, not a lookup.
            self._discarded.add(id(stmt.value))
        self._expressions(stmt, scope)
        return self._assign(stmt, scope)

    def _branch(
        self, stmts: Sequence[ast.stmt], scope: _Scope, *, per_group: bool = False
    ) -> _Scope:
        """A branch that leaves some loops runs once per iteration of the loops outside them;
        one run when the innermost loop's key changes, once per group of its rows."""
        inner = scope.copy()
        leaves = max(exit_depth(stmts, len(scope.loops)), min(int(per_group), len(scope.loops)))
        if leaves:
            inner.loops = scope.loops[: len(scope.loops) - leaves]
        result = self._block(stmts, inner)
        result.loops = scope.loops
        return result

    def _try(self, stmt: ast.stmt, scope: _Scope) -> _Scope:
        after = self._block(getattr(stmt, "body", []), scope.copy())
        merged = self._block(getattr(stmt, "orelse", []), after)
        for handler in getattr(stmt, "handlers", []):
            handled = self._block(handler.body, _merge(scope, after))
            if not exits(handler.body):  # a handler that raises or returns joins nothing
                merged = _merge(merged, handled)
        return self._block(getattr(stmt, "finalbody", []), merged)

    def _assign(self, stmt: ast.stmt, scope: _Scope) -> _Scope:
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        else:
            return scope
        binding = self._binding(value, scope)
        sized = isinstance(binding, QuerySet) or data_sized(value, scope.unbounded)
        if isinstance(binding, QuerySet):
            grows = table_rows(binding)
        else:
            grows = data_sized(value, scope.grows) or self._table_count(value, scope)
        for target in targets:
            if isinstance(target, ast.Name):
                scope.env[target.id] = binding
                changed = {target.id}
                scope.unbounded = scope.unbounded | changed if sized else scope.unbounded - changed
                scope.grows = scope.grows | changed if grows else scope.grows - changed
                scope.evaluated = scope.evaluated - changed
        return scope

    def _binding(self, value: ast.expr, scope: _Scope) -> Binding:
        queryset = self.resolver.queryset(value, scope.env)
        if queryset is not None:
            return queryset
        row = self.resolver.row(value, scope.env)
        if row is not None:
            return row
        object_list = scope.env.get("self.object_list")
        if isinstance(object_list, QuerySet) and env_key(value) == "super().get_context_data":
            return ContextDict(object_list)
        if isinstance(value, ast.Call) and called_name(value) == "get_user_model":
            return self.resolver.user_model()
        model = self.resolver.model_class(value, scope.env)
        return ModelClass(model) if model is not None else None

    # -- loops ---------------------------------------------------------------------------
    def _for(self, stmt: ast.For | ast.AsyncFor, scope: _Scope) -> _Scope:
        queryset = self.resolver.queryset(stmt.iter, scope.env)
        targets = _target_names(stmt.target)
        assigned = targets | _bound_names(stmt.body)
        grows = self._grows(stmt.iter, queryset, scope)
        loop = Loop(stmt, stmt.iter, queryset, targets, assigned, grows=grows)
        self._iteration_query(stmt.iter, queryset, scope)
        once = runs_once(stmt.body)
        body_scope = self._enter(loop, stmt.target, scope, once=once)
        if not once:
            self._relations(loop, body_scope, list(repeated_nodes(stmt.body)))
        after = self._block(stmt.body, body_scope)
        return _merge(scope, self._block(stmt.orelse, _merge(scope, after)))

    def _enter(self, loop: Loop, target: ast.expr, scope: _Scope, *, once: bool) -> _Scope:
        """The scope of a loop body: the loop variable bound, the loop noted if data-sized."""
        queryset = loop.queryset
        sized = (
            loop.grows
            or (queryset is not None and queryset.bound not in (0, 1))
            or (not literal_bound(loop.iterable) and data_sized(loop.iterable, scope.unbounded))
        )
        body = scope.copy()
        for name in loop.targets:
            body.env[name] = None
        row = _row_name(target)
        if (
            row
            and queryset is not None
            and queryset.rows == "instances"
            and queryset.bound not in (0, 1)  # [:1] yields one row: nothing is repeated
            and not queryset.loaded.opaque
        ):
            body.env[row] = Instance(queryset.model, queryset.loaded, queryset, (), row)
        if loop.grows:
            body.grows = body.grows | loop.targets
        if sized:
            body.unbounded = body.unbounded | loop.targets
            if not once:
                body.loops = (*scope.loops, loop)
        return body

    def _grows(self, iterable: ast.expr, queryset: QuerySet | None, scope: _Scope) -> bool:
        """Iterating ``iterable`` takes as long as a table or a file is."""
        if queryset is not None:
            return table_rows(queryset)
        if literal_bound(iterable):
            return False
        if data_sized(iterable, scope.grows):
            return True
        # range(0, Book.objects.count(), 500): as many steps as the table has rows.
        return (
            isinstance(iterable, ast.Call)
            and isinstance(iterable.func, ast.Name)
            and iterable.func.id == "range"
            and any(self._table_count(argument, scope) for argument in iterable.args)
        )

    def _table_count(self, node: ast.expr, scope: _Scope) -> bool:
        """``qs.count()`` or ``len(qs)`` of a table's rows: a number that grows with it."""
        if not isinstance(node, ast.Call):
            return False
        func = node.func
        rows = None
        if isinstance(func, ast.Attribute) and func.attr == "count" and not node.args:
            rows = self.resolver.queryset(func.value, scope.env)
        elif isinstance(func, ast.Name) and func.id == "len" and node.args:
            rows = self.resolver.queryset(node.args[0], scope.env)
        return rows is not None and table_rows(rows)

    def _comprehension(self, node: ast.expr, scope: _Scope) -> None:
        assert isinstance(node, _COMPREHENSIONS)
        results: list[ast.expr] = (
            [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        )
        current = scope
        for index, generator in enumerate(node.generators):
            self._expressions(generator.iter, current)
            queryset = self.resolver.queryset(generator.iter, current.env)
            self._iteration_query(generator.iter, queryset, current)
            targets = _target_names(generator.target)
            grows = self._grows(generator.iter, queryset, current)
            loop = Loop(node, generator.iter, queryset, targets, targets, grows=grows)
            current = self._enter(loop, generator.target, current, once=False)
            later = node.generators[index + 1 :]
            body: list[ast.AST] = [*generator.ifs, *(g.iter for g in later)]
            body += [condition for g in later for condition in g.ifs]
            self._relations(loop, current, [*body, *results])
            for condition in generator.ifs:
                self._expressions(condition, current)
                self._truth_test(condition, current)
        for result in results:
            self._expressions(result, current)

    # -- queries run per iteration (EG102) -------------------------------------------------
    def _expressions(self, root: ast.AST, scope: _Scope) -> None:
        """Handle comprehensions under ``root`` and note queries run inside data loops."""
        stack: list[ast.AST] = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, SCOPE_NODES):
                continue
            if isinstance(node, _COMPREHENSIONS):
                self._comprehension(node, scope)
                continue
            if isinstance(node, ast.Call) and scope.loops:
                self._query(node, scope)
            if _evaluates_argument(node):
                assert isinstance(node, ast.Call)
                scope.evaluate(node.args[0])  # len(qs), list(qs) fill its result cache
            if isinstance(node, ast.Compare) and scope.loops:
                self._membership(node, scope)
            stack.extend(ast.iter_child_nodes(node))

    def _query(self, call: ast.Call, scope: _Scope) -> None:
        func = call.func
        queryset, method = None, ""
        if isinstance(func, ast.Attribute) and func.attr in EXECUTING:
            queryset, method = self.resolver.queryset(func.value, scope.env), func.attr
        elif isinstance(func, ast.Name) and func.id in EVALUATING_CALLS and call.args:
            if _cached(call.args[0], scope):
                return
            queryset, method = self.resolver.queryset(call.args[0], scope.env), "evaluation"
        elif last_part(dotted_name(func)) in ROW_SHORTCUTS and call.args:
            queryset, method = self.resolver.shortcut_queryset(call.args[0], scope.env), "get"
        elif dotted_name(func) in self.functions and id(call) not in self._discarded:
            queryset, method = self._helper_query(dotted_name(func) or ""), "helper"
        if queryset is not None and queryset.outer is None and not queryset.materialized:
            self._note_query(call, method, queryset, scope)

    def _membership(self, compare: ast.Compare, scope: _Scope) -> None:
        """``x in Model.objects.values_list(...)`` evaluates the queryset for the test."""
        for op, right in zip(compare.ops, compare.comparators, strict=True):
            if not isinstance(op, (ast.In, ast.NotIn)) or _cached(right, scope):
                continue
            queryset = self.resolver.queryset(right, scope.env)
            if queryset is not None and queryset.outer is None and not queryset.materialized:
                self._note_query(right, "evaluation", queryset, scope)

    def _truth_test(self, test: ast.expr, scope: _Scope) -> None:
        """``if not Model.objects.filter(...):`` evaluates the queryset to test it."""
        if not scope.loops:
            scope.evaluate(test.operand if isinstance(test, ast.UnaryOp) else test)
            return
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            self._truth_test(test.operand, scope)
        elif isinstance(test, ast.BoolOp):
            for value in test.values:
                self._truth_test(value, scope)
        elif not _executes(test) and not _cached(test, scope):
            queryset = self.resolver.queryset(test, scope.env)
            if queryset is not None and queryset.outer is None and not queryset.materialized:
                self._note_query(test, "evaluation", queryset, scope)
        scope.evaluate(test)

    def _helper_query(self, name: str) -> QuerySet | None:
        """The first query a same-module lookup helper runs (``_hours_logged(task)``); none
        for helpers that write, or that are memoised (``@lru_cache``, or a dict they fill)."""
        if name not in self._helper_queries:
            self._helper_queries[name] = None
            helper = self.functions[name]
            if is_memoised(helper) or caches_in_dict(helper) or writes(helper.body):
                return None
            for node in walk_scope(helper):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in EXECUTING
                    and (queryset := self.resolver.queryset(node.func.value, {})) is not None
                ):
                    self._helper_queries[name] = queryset
                    break
        return self._helper_queries[name]

    def _iteration_query(
        self, iterable: ast.expr, queryset: QuerySet | None, scope: _Scope
    ) -> None:
        """Iterating a model manager's queryset inside a data loop queries per iteration.

        (A related manager of a loop variable is EG101's business.)
        """
        cached = _cached(iterable, scope)
        scope.evaluate(iterable)
        if not scope.loops or queryset is None or cached:
            return
        if queryset.outer is None and not queryset.materialized:
            self._note_query(iterable, "iteration", queryset, scope)

    def _note_query(self, node: ast.AST, method: str, queryset: QuerySet, scope: _Scope) -> None:
        if _locks_rows(node):
            return  # a select_for_update() per row is a deliberate lock, not a batchable read
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        changing = {name for loop in scope.loops for name in loop.assigned}
        changing |= {name for name, binding in scope.env.items() if binding is None}
        loop = scope.loops[-1]
        # The same query gives the same answer on every iteration only when nothing it reads
        # changes: not its arguments, not the rows (a loop that writes, itself or through a
        # same-module helper), not a random order (also one set on the queryset's variable).
        invariant = not (
            used & changing
            or _writes_what(node, loop.node)
            or self._calls_writer(loop.node)
            or _random_order(node)
            or _random_order(queryset.origin)
        )
        grows = any(enclosing.grows for enclosing in scope.loops)
        self.queries.append(QueryInLoop(node, method, queryset, loop, invariant, grows))

    def _calls_writer(self, loop: ast.AST) -> bool:
        """The loop calls a same-module function or method that writes (``make_tag(name)``)."""
        return any(
            isinstance(node, ast.Call)
            and (helper := self.functions.get(dotted_name(node.func) or "")) is not None
            and writes(helper.body)
            for node in ast.walk(loop)
        )

    # -- relations read from loop variables (EG101) -----------------------------------------
    def _relations(self, loop: Loop, scope: _Scope, body: Sequence[ast.AST]) -> None:
        instances = {
            name: binding
            for name in loop.targets
            if isinstance(binding := scope.env.get(name), Instance)
        }
        if not instances:
            return
        aliases, assigned = _aliases_and_assignments(body, instances)
        names = frozenset(instances) | frozenset(aliases)
        rebound = _after_rebinding(loop.node, frozenset(instances))
        for access in collect_accesses(body, names):
            target = access.node.func if isinstance(access.node, ast.Call) else access.node
            path = _read_path(access.node, access.path)
            root = access.root or attribute_path(target)[0] or ""
            if id(access.node) in rebound.get(root, ()):
                continue  # the name holds a row fetched in the body now, not the loop's row
            variable, prefix = aliases.get(root, (root, ()))
            self._report(
                loop,
                access.node,
                variable,
                instances[variable],
                path=(*prefix, *path),
                called=access.called,
                assigned=assigned,
                # ``str(book)`` passes the row itself, not arguments to ``__str__``.
                arguments=not access.root and _passes_arguments(access.node),
            )
        self._calls_with_instance(loop, body, instances, rebound)
        self._calls_through(loop, body, instances, rebound)

    def _report(
        self,
        loop: Loop,
        node: ast.AST,
        variable: str,
        instance: Instance,
        *,
        path: tuple[str, ...],
        called: bool,
        assigned: frozenset[str],
        arguments: bool = False,
        via: str = "",
        through: str = "",
        parameter: str = "",
    ) -> None:
        if not path:
            return
        load = interpret(
            self.resolver.models, instance, path, called, assigned, arguments=arguments
        )
        if load is None or (id(loop.node), load.lookup) in self._seen:
            return
        if through and self._covered(loop, load.lookup):
            return
        self._seen.add((id(loop.node), load.lookup))
        target = (
            self.resolver.models.models.get(load.relation.target or "") if load.relation else None
        )
        ordered = target is not None and target.ordered
        self.loads.append(
            RelationLoad(
                node,
                load,
                variable,
                loop,
                instance,
                via,
                through=through,
                parameter=parameter,
                target_ordered=ordered,
            )
        )

    def _covered(self, loop: Loop, lookup: str) -> bool:
        """The loop already has a finding for the relation ``lookup`` starts with: what a
        called function reads through it again is the same load, and the same fix."""
        first = lookup.split("__", 1)[0]
        return any(
            seen == id(loop.node) and name.split("__", 1)[0] == first for seen, name in self._seen
        )

    def _calls_with_instance(
        self,
        loop: Loop,
        body: Sequence[ast.AST],
        instances: Mapping[str, Instance],
        rebound: Mapping[str, frozenset[int]],
    ) -> None:
        """One level into same-module functions called with the loop variable."""
        for node in _walk(body):
            if not isinstance(node, ast.Call):
                continue
            name = _callee_name(node)
            callee = self.functions.get(name) if name else None
            if callee is None or does_database_work(callee.body):
                continue
            for parameter, argument in bound_arguments(callee, node):
                if not (isinstance(argument, ast.Name) and argument.id in instances):
                    continue
                if id(node) in rebound.get(argument.id, ()):
                    continue
                instance = instances[argument.id]
                for access in collect_accesses(callee.body, frozenset({parameter})):
                    via = f"{name}()"
                    self._report(
                        loop,
                        node,
                        argument.id,
                        instance,
                        path=_read_path(access.node, access.path),
                        called=access.called,
                        assigned=frozenset(),
                        arguments=_passes_arguments(access.node),
                        via=via,
                    )

    def _calls_through(
        self,
        loop: Loop,
        body: Sequence[ast.AST],
        instances: Mapping[str, Instance],
        rebound: Mapping[str, frozenset[int]],
    ) -> None:
        """Into the project functions and methods a call in the body hands the row to, a
        few calls deep (after the reads above, which win for the same lookup)."""
        if self.follower is None:
            return
        calls = [node for node in _walk(body) if isinstance(node, ast.Call)]
        calls.sort(key=lambda call: (call.lineno, call.col_offset))  # the first call reports
        for node in calls:
            for variable, instance in instances.items():
                if instance.path or id(node) in rebound.get(variable, ()):
                    continue
                for read in self.follower.reads(node, variable, instance.model, self.owner):
                    self._report(
                        loop,
                        node,
                        variable,
                        instance,
                        path=read.path,
                        called=read.called,
                        assigned=frozenset(),
                        arguments=read.arguments,
                        through=_through_text(node, variable, read.chain),
                        parameter=read.parameter,
                    )


def _through_text(call: ast.Call, variable: str, chain: tuple[str, ...]) -> str:
    """``email.as_bytes() -> as_message()``, ``compute_order(thread) -> walk()``."""
    first, rest = chain[0], chain[1:]
    root, _ = attribute_path(call.func) if isinstance(call.func, ast.Attribute) else (None, ())
    head = f"{variable}.{first}" if root == variable else f"{first[:-2]}({variable})"
    return " -> ".join((head, *rest))


def _read_path(node: ast.AST, path: tuple[str, ...]) -> tuple[str, ...]:
    """What an access reads: ``book.author.name = x`` reads book.author, not its name."""
    if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
        return path[:-1]
    return path


def _passes_arguments(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and bool(node.args or node.keywords)


def _evaluates_argument(node: ast.AST) -> bool:
    """``len(x)``, ``list(x)``, ``bool(x)``: evaluates a queryset ``x``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in EVALUATING_CALLS
        and bool(node.args)
    )


def _executes(node: ast.expr) -> bool:
    """A call that runs its query itself (``.exists()``): noted as that call, not as a test."""
    return isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Attribute) and node.func.attr in EXECUTING)
        or (isinstance(node.func, ast.Name) and node.func.id in EVALUATING_CALLS)
    )


def _cached(node: ast.expr, scope: _Scope) -> bool:
    """A queryset variable built before the loops, or already evaluated since it was bound
    (``if not teams:``, ``len(teams)``): Django caches its rows after one evaluation."""
    if not isinstance(node, ast.Name):
        return False
    return node.id in scope.evaluated or not any(node.id in loop.assigned for loop in scope.loops)


def _bound_names(stmts: Sequence[ast.stmt]) -> frozenset[str]:
    return frozenset(
        node.id
        for node in _walk(stmts)
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del))
    )


def _merge(a: _Scope, b: _Scope) -> _Scope:
    env = {name: merge_bindings(a.env.get(name), b.env.get(name)) for name in {*a.env, *b.env}}
    unbounded, grows = a.unbounded | b.unbounded, a.grows | b.grows
    return _Scope(env, unbounded, a.loops, a.evaluated & b.evaluated, grows)


def _target_names(target: ast.expr) -> frozenset[str]:
    return frozenset(n.id for n in ast.walk(target) if isinstance(n, ast.Name))


def _row_name(target: ast.expr) -> str | None:
    """The name bound to each row: ``for book in qs`` or ``for i, book in enumerate(qs)``."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Tuple) and len(target.elts) == 2:
        second = target.elts[1]
        return second.id if isinstance(second, ast.Name) else None
    return None


def _walk(nodes: Iterable[ast.AST]) -> Iterator[ast.AST]:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, SCOPE_NODES):
            stack.extend(ast.iter_child_nodes(node))


def _after_rebinding(loop: ast.AST, names: frozenset[str]) -> dict[str, frozenset[int]]:
    """The nodes that run after a loop variable is rebound in the loop's body (``o =
    Order.objects.select_for_update().get(pk=o.pk)``): the statements after the assignment in
    its block, and everything inside them."""
    if not isinstance(loop, (ast.For, ast.AsyncFor)):
        return {}
    blocks: list[Sequence[ast.AST]] = [loop.body]
    blocks += [
        block
        for node in _walk(loop.body)
        for name in ("body", "orelse", "finalbody")
        if isinstance(block := getattr(node, name, None), list)
    ]
    after: dict[str, set[int]] = {}
    for block in blocks:
        for index, stmt in enumerate(block):
            if not isinstance(stmt, ast.Assign):
                continue
            for target in stmt.targets:
                if isinstance(target, ast.Name) and target.id in names:
                    found = after.setdefault(target.id, set())
                    found.update(id(node) for node in _walk(block[index + 1 :]))
    return {name: frozenset(ids) for name, ids in after.items()}


def _aliases_and_assignments(
    body: Sequence[ast.AST], instances: Mapping[str, Instance]
) -> tuple[dict[str, tuple[str, tuple[str, ...]]], frozenset[str]]:
    """``author = book.author`` aliases, and relations set on the instance (``book.author = x``)."""
    aliases: dict[str, tuple[str, tuple[str, ...]]] = {}
    assigned: set[str] = set()
    for node in _walk(body):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Attribute):
                root, path = attribute_path(target)
                if root in instances and len(path) == 1:
                    assigned.add(path[0])
            elif isinstance(target, ast.Name) and isinstance(node.value, ast.Attribute):
                value_root, value_path = attribute_path(node.value)
                known = value_root is not None and value_root in instances
                if known and value_root is not None and target.id not in instances:
                    aliases[target.id] = (value_root, value_path)
    return aliases, frozenset(assigned)


def called_name(call: ast.Call) -> str:
    root, path = attribute_path(call.func)
    return path[-1] if path else root or ""


def _callee_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    root, path = attribute_path(call.func)
    if root == "self" and len(path) == 1:
        return f"self.{path[0]}"
    return None


def table_rows(queryset: QuerySet) -> bool:
    """A queryset whose rows grow with its table: not confined to given objects (a related
    manager, ``filter(event=event)``, a column's distinct values) or cut by a literal slice."""
    return not queryset.confined and queryset.bound is None


def _locks_rows(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Attribute) and n.attr == "select_for_update" for n in ast.walk(node)
    )


def _random_order(node: ast.AST) -> bool:
    """``.order_by("?")``: each evaluation picks other rows."""
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "order_by"
        and any(isinstance(a, ast.Constant) and a.value == "?" for a in n.args)
        for n in ast.walk(node)
    )


def _writes_what(query: ast.AST, loop: ast.AST) -> bool:
    """The loop writes what the query may read: through the same model, manager or variable,
    or saves or deletes an instance (of a model it cannot tell)."""
    queried = chain_root(query)
    for node in ast.walk(loop):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITE_METHODS
        ):
            continue
        if node.func.attr in ("save", "delete") or chain_root(node.func.value) == queried:
            return True
    return False


def chain_root(node: ast.AST) -> str | None:
    """The name a chain starts from: ``Tag`` in ``Tag.objects.filter(...).count()``."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None
