"""EG101: what a loop's row is read for in the project code the loop hands it to.

``for thread in Thread.objects.all(): compute_order(thread)`` loads ``thread.emails`` on every
iteration if ``compute_order`` (in this module or another) reads it, and so does
``email.as_bytes()`` when ``as_bytes`` calls ``self.as_message()``, which reads ``self.sender``.
From a call in the loop body that passes the row (or calls a method on it), this follows the
project's functions and the row model's methods a few calls deep, resolved statically through
imports and the model index, and gives back what each reads of the row, with the chain of
calls that reached it. The loop's own analysis then judges each read against what its
queryset loaded, exactly as a read written in the loop.

Not followed: code outside the project (a library's function has no source here), a callee
that rebinds its parameter (what it reads later is another object), and one that queries a
manager or writes (``Model.objects...``, ``save()``, ``tags.add()``), in its own statements, in
the project functions and row methods it calls, or in a method of a related object (one
errguard cannot see, a generic relation's, may do anything): the loop then does database work
per row anyway, and the read is not the cost a reviewer would remove. Branches the call rules
out are skipped (``_nplusone_known``). Summaries are memoised in the project's function index,
so a callee called from many loops is read once per process.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from errguard.astutil import SCOPE_NODES
from errguard.project.functions import Function, FunctionIndex, ModuleDefinitions
from errguard.project.models.accesses import (
    WRITE_METHODS,
    attribute_path,
    collect_accesses,
)
from errguard.project.models.index import ModelIndex, ModelInfo
from errguard.rules.queries._nplusone_known import GIVEN, bound_arguments, known_values, taken

# Calls followed from the loop body: loop -> a() -> b() -> c() at most.
MAX_DEPTH = 3
# Calls followed down from a callee to tell whether it does database work.
_BUSY_DEPTH = 2
# Methods of the row that write it or reload it: never followed as a read.
_ROW_WRITES = WRITE_METHODS | {"refresh_from_db"}


@dataclass(frozen=True)
class CalleeRead:
    """``<parameter>.<path>`` read by the last function of ``chain``."""

    path: tuple[str, ...]
    called: bool
    arguments: bool  # the final call passes arguments
    parameter: str  # the callee's name for the row: "self", "thread"
    chain: tuple[str, ...] = ()  # the calls that reached it, outermost first: "as_bytes()"

    def through(self, label: str) -> CalleeRead:
        """The same read, reached one call further out (``label``)."""
        return replace(self, chain=(label, *self.chain))


@dataclass(frozen=True)
class _Target:
    module: ModuleDefinitions
    function: Function
    parameter: str
    cls: str | None  # the class whose method it is, for its own ``self.<name>()`` calls
    label: str  # "as_bytes()", "compute_order()"
    # Parameters whose value the call tells (a literal, or a default it does not override),
    # or that it passes something for (``GIVEN``).
    known: tuple[tuple[str, object], ...] = ()


class CallFollower:
    """Follows calls from one file's loops; summaries are shared by the whole project."""

    def __init__(self, here: ModuleDefinitions, models: ModelIndex, index: FunctionIndex) -> None:
        self.here = here
        self.models = models
        self.index = index

    def reads(
        self, call: ast.Call, row: str, model: ModelInfo, cls: str | None
    ) -> Iterator[CalleeRead]:
        """What the code ``call`` (in a loop body, in class ``cls`` if any) runs reads of the
        row the loop binds to ``row``."""
        if model.inferred:
            return  # its methods are not in the project
        for target in self._targets(self.here, call, row, model, cls, outer={}):
            for read in self._reads(target, model, MAX_DEPTH - 1, frozenset()):
                yield read.through(target.label)

    # -- resolving a call --------------------------------------------------------------------
    def _targets(
        self,
        module: ModuleDefinitions,
        call: ast.Call,
        row: str,
        model: ModelInfo,
        cls: str | None,
        *,
        outer: Mapping[str, object],
    ) -> Iterator[_Target]:
        """The calls ``call`` makes with the row ``row``: a method on it, or a function (a
        sibling method) it is passed to. ``outer``: what the caller knows of its parameters."""
        func = call.func
        root, path = attribute_path(func) if isinstance(func, ast.Attribute) else (None, ())
        if root == row and len(path) == 1:
            method = self._model_method(model, path[0])
            if method is not None:
                yield replace(method, known=known_values(method.function, call, outer))
            return
        if not any(_is_name(argument, row) for argument in _arguments(call)):
            return
        found = self._function(module, func, cls)
        if found is None:
            return
        target_module, function, owner = found
        for parameter, argument in bound_arguments(function, call):
            if _is_name(argument, row):
                label = f"{function.name}()"
                known = known_values(function, call, outer)
                yield _Target(target_module, function, parameter, owner, label, known)

    def _model_method(self, model: ModelInfo, name: str) -> _Target | None:
        if name in _ROW_WRITES or name in model.relations or name in model.fields:
            return None
        owner = self.models.method_owner(model.key, name)
        if owner is None:
            return None
        if owner.module == self.here.name:
            method = self.here.methods.get(owner.name, {}).get(name)
            found = (self.here, method) if method is not None else None
        else:
            found = self.index.method(owner.module, owner.name, name)
        if found is None:
            return None
        module, function = found
        arguments = [*function.args.posonlyargs, *function.args.args]
        if not arguments or (function.decorator_list and _static(function)):
            return None
        return _Target(module, function, arguments[0].arg, owner.name, f"{name}()")

    def _function(
        self, module: ModuleDefinitions, func: ast.expr, cls: str | None
    ) -> tuple[ModuleDefinitions, Function, str | None] | None:
        return self.index.callee(module, func, cls)

    def _busy(self, target: _Target, model: ModelInfo, depth: int) -> bool:
        """The callee queries a manager or writes, in its own statements or in the project
        functions and row methods it calls (``depth`` calls down)."""
        function = target.function
        key = (
            "nplusone-busy",
            target.module.name,
            function.lineno,
            function.name,
            target.parameter,
            target.known,
            model.key,
            depth,
        )
        cached = self.index.summaries.get(key)
        if isinstance(cached, bool):
            return cached
        self.index.summaries[key] = False  # recursion: what the first visit finds
        # Only what the call fixes (literals, defaults) rules a branch out here: an argument
        # that is None on some iterations (``webhook_queryset=cached``) can take any branch.
        known = {name: value for name, value in target.known if value is not GIVEN}
        body = list(taken(function.body, known))
        busy = _does_work(body) or self._delegates(target, body, model, depth)
        if not busy and depth > 0:
            busy = any(
                self._busy(inner, model, depth - 1)
                for node in _walk(body)
                if isinstance(node, ast.Call)
                for inner in self._callees(target, node, model)
            )
        self.index.summaries[key] = busy
        return busy

    def _delegates(
        self, target: _Target, body: list[ast.stmt], model: ModelInfo, depth: int
    ) -> bool:
        """The callee hands work to a related object (``self.content_object.publish(self)``):
        a method of the related model that is busy, or of one errguard cannot see (a generic
        relation's object), which may be anything."""
        for node in _walk(body):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            root, path = attribute_path(node.func)
            if root != target.parameter or len(path) != 2:
                continue
            relation = model.relations.get(path[0])
            if relation is None or not relation.single:
                continue
            related = self.models.models.get(relation.target or "")
            if related is None or related.inferred:
                return True
            method = self._model_method(related, path[1])
            if method is not None and depth > 0 and self._busy(method, related, depth - 1):
                return True
        return False

    def _callees(self, target: _Target, call: ast.Call, model: ModelInfo) -> Iterator[_Target]:
        """What a call in the callee runs, whatever it is passed: a method of the row, a
        sibling method, a project function."""
        func = call.func
        root, path = attribute_path(func) if isinstance(func, ast.Attribute) else (None, ())
        known = ()  # every branch counts: a write in any of them is per-row work
        if root == target.parameter and len(path) == 1:
            method = self._model_method(model, path[0])
            if method is not None:
                yield replace(method, known=known)
            return
        found = self._function(target.module, func, target.cls)
        if found is not None:
            module, function, owner = found
            yield _Target(module, function, "", owner, f"{function.name}()", known)

    # -- what a callee reads -------------------------------------------------------------------
    def _reads(
        self, target: _Target, model: ModelInfo, budget: int, visiting: frozenset[int]
    ) -> tuple[CalleeRead, ...]:
        function, parameter = target.function, target.parameter
        key = ("nplusone-reads", target.module.name, function.lineno, function.name, parameter)
        memo_key = (*key, target.known, model.key, budget)
        memo = self.index.summaries
        cached = memo.get(memo_key)
        if isinstance(cached, tuple):
            return cached
        if id(function) in visiting:
            return ()  # recursion: the first visit reports what it reads
        visiting = visiting | {id(function)}
        found: list[CalleeRead] = []
        body = list(taken(function.body, dict(target.known)))
        # Code that queries a manager or writes (itself or in what it calls) does per-row work
        # anyway; the rows' relations are not the cost a reviewer would remove there.
        if not (_rebinds(body, parameter) or self._busy(target, model, _BUSY_DEPTH)):
            found.extend(self._own_reads(target, model, budget, visiting, body))
        result = tuple(found)
        memo[memo_key] = result
        return result

    def _own_reads(
        self,
        target: _Target,
        model: ModelInfo,
        budget: int,
        visiting: frozenset[int],
        body: list[ast.stmt],
    ) -> Iterator[CalleeRead]:
        parameter = target.parameter
        followed: set[int] = set()
        if budget > 0:
            calls = [node for node in _walk(body) if isinstance(node, ast.Call)]
            calls.sort(key=lambda call: (call.lineno, call.col_offset))  # the first one names it
            for node in calls:
                inners = self._targets(
                    target.module, node, parameter, model, target.cls, outer=dict(target.known)
                )
                for inner in inners:
                    followed.add(id(node))
                    for read in self._reads(inner, model, budget - 1, visiting):
                        yield read.through(inner.label)
        for access in collect_accesses(body, frozenset({parameter})):
            if id(access.node) in followed or access.root:
                continue  # a method followed above; str(row) is the loop's own business
            arguments = isinstance(access.node, ast.Call) and bool(
                access.node.args or access.node.keywords
            )
            path = access.path
            if isinstance(access.node, ast.Attribute) and not isinstance(access.node.ctx, ast.Load):
                path = path[:-1]  # ``row.author = x`` reads nothing
            if path:
                yield CalleeRead(path, access.called, arguments, parameter)


def _arguments(call: ast.Call) -> list[ast.expr]:
    return [*call.args, *(keyword.value for keyword in call.keywords)]


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _static(function: Function) -> bool:
    return any(
        isinstance(decorator, ast.Name) and decorator.id in ("staticmethod", "classmethod")
        for decorator in function.decorator_list
    )


def _walk(nodes: list[ast.stmt]) -> Iterator[ast.AST]:
    """The nodes that run where the body stands: nested functions and classes left out."""
    stack: list[ast.AST] = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, SCOPE_NODES):
            stack.extend(ast.iter_child_nodes(node))


def _does_work(body: list[ast.stmt]) -> bool:
    """The statements query a manager (``Model.objects``) or write (``save()``, ``update()``,
    ...) where they stand; a nested function's body is its own (and not followed)."""
    return any(
        (isinstance(node, ast.Attribute) and node.attr == "objects")
        or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITE_METHODS
        )
        for node in _walk(body)
    )


def _rebinds(body: list[ast.stmt], name: str) -> bool:
    return any(
        isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load)
        for node in _walk(body)
    )
