"""Row locks a function's callers hold around the call, anywhere in the project (EG201, EG202).

A function that reads, changes and saves ``self`` (or checks for a row and creates it) does
not race when every caller runs it inside ``transaction.atomic()`` after a
``select_for_update()``: the lock serialises the callers. The callers are found by name in
every module (``Project.calls``), dropping calls whose arguments cannot bind to the function's
parameters (another class's method of the same name) and calls in tests and migrations; a
caller that passes on a row it was handed, or is itself run only under a lock, is followed up
to ``_DEPTH`` levels. No caller found means nothing is known: the finding stands.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from errguard.astutil import SCOPE_NODES, dotted_name, last_part
from errguard.detect.context import FileContext
from errguard.project.calls import CallSite
from errguard.project.modules import runs_once_or_in_tests

Function = ast.FunctionDef | ast.AsyncFunctionDef
_DEPTH = 3
# Calls of a queryset that do not change which rows it reads.
_SAME_ROWS = frozenset({"all", "select_for_update", "order_by", "iterator", "select_related"})
# Without arguments these take a row of the rows read, locked with them.
_ONE_OF_THEM = frozenset({"get", "first", "last", "earliest", "latest"})


def serialised_by_callers(function: Function, ctx: FileContext, depth: int = _DEPTH) -> bool:
    """Every caller runs ``function`` after taking a row lock in its own atomic block, or is
    itself run only that way (EG201: a lock on a parent row serialises the check)."""
    sites = _sites(function, ctx)
    return bool(sites) and all(
        site.function is not None
        and (
            _after_lock(site.function, site.call)
            or (depth > 1 and serialised_by_callers(site.function, ctx, depth - 1))
        )
        for site in sites
    )


def self_locked_by_callers(function: Function, ctx: FileContext) -> bool:
    """Every caller of the model method ``function`` calls it on a row it locked in the same
    atomic block (EG202: no other transaction can change the row before the save)."""
    return _parameter_locked(function, "self", ctx, _DEPTH)


def _parameter_locked(function: Function, parameter: str, ctx: FileContext, depth: int) -> bool:
    sites = _sites(function, ctx)
    return bool(sites) and all(
        site.function is not None
        and (value := _argument(function, site.call, parameter)) is not None
        and _locked_value(value, site, ctx, depth)
        for site in sites
    )


def _locked_value(value: ast.expr, site: CallSite, ctx: FileContext, depth: int) -> bool:
    caller = site.function
    assert caller is not None
    if isinstance(value, ast.Call) and dotted_name(value.func) == "super":
        value = ast.Name("self", ast.Load())
    if isinstance(value, ast.Call):  # ``M.objects.select_for_update().get(pk=pk).hit()``
        return _locked_binding(caller, value, site.call)
    if not isinstance(value, ast.Name):
        return False
    bindings = list(_bindings_before(caller, value.id, site.call))
    if bindings:
        return all(_locked_binding(caller, source, site.call) for source in bindings)
    parameters = _parameters(caller)
    if value.id not in parameters or depth <= 1:
        return False
    if value.id == "self" and site.owner is None:
        return False
    return _parameter_locked(caller, value.id, ctx, depth - 1)


def _sites(function: Function, ctx: FileContext) -> list[CallSite]:
    """The project's calls that can be calls of ``function``, outside tests and migrations."""
    method = _is_method(function)
    return [
        site
        for site in ctx.project.calls.sites(function.name)
        if not runs_once_or_in_tests(site.path, ctx.project.root)
        and (isinstance(site.call.func, ast.Attribute) or not method)
        and _binds(function, site.call, method)
    ]


def _is_method(function: Function) -> bool:
    parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    return bool(parameters) and parameters[0] == "self"


def _binds(function: Function, call: ast.Call, method: bool) -> bool:
    """The call's arguments can bind to the function's parameters (without ``*``/``**`` in
    the call, which could hold anything)."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return True
    arguments = function.args
    positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
    if method:
        positional = positional[1:]
    if len(call.args) > len(positional) and arguments.vararg is None:
        return False
    names = {*positional, *(a.arg for a in arguments.kwonlyargs)}
    if arguments.kwarg is None and any(k.arg not in names for k in call.keywords):
        return False
    defaults = len(arguments.defaults)
    required = positional[len(call.args) : len(positional) - defaults]
    given = {k.arg for k in call.keywords}
    keyword_only = [
        a.arg
        for a, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if default is None
    ]
    return all(name in given for name in (*required, *keyword_only))


def _argument(function: Function, call: ast.Call, parameter: str) -> ast.expr | None:
    """What the call passes for ``parameter`` (the receiver for a method's ``self``)."""
    positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if positional and positional[0] == "self":
        if parameter == "self":
            return call.func.value if isinstance(call.func, ast.Attribute) else None
        positional = positional[1:]
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    if parameter in positional and positional.index(parameter) < len(call.args):
        argument = call.args[positional.index(parameter)]
        return None if isinstance(argument, ast.Starred) else argument
    return None


def _parameters(function: Function) -> set[str]:
    arguments = function.args
    return {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}


def _bindings_before(function: Function, name: str, call: ast.Call) -> Iterator[ast.expr]:
    """What ``name`` is bound to before ``call``: an assigned value, or a loop's rows."""
    for node in _walk(function.body):
        if _position(node) >= _position(call):
            continue
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            yield node.value
        elif isinstance(node, (ast.For, ast.AsyncFor)) and (
            isinstance(node.target, ast.Name) and node.target.id == name
        ):
            yield node.iter


def _locked_binding(function: Function, source: ast.expr, call: ast.Call) -> bool:
    """``source`` reads rows under a lock held at ``call``: both sit in one atomic block, and
    the rows were read with ``select_for_update()``, or re-read from the same queryset after
    it locked them."""
    for region in _atomic_regions(function):
        if not (_contains(region, call) and _contains(region, source)):
            continue
        if _locks(source):
            return True
        rows = _rows_read(source)
        if rows is None:
            continue
        return any(
            _position(lock) < _position(source) and _rows_read(lock) == rows
            for lock in _walk(_body(region))
            if isinstance(lock, ast.Call) and _locks(lock)
        )
    return False


def _after_lock(function: Function, call: ast.Call) -> bool:
    """``call`` runs in an atomic block after a ``select_for_update()`` in it."""
    return any(
        _contains(region, call)
        and any(_locks(node) and _position(node) < _position(call) for node in _walk(_body(region)))
        for region in _atomic_regions(function)
    )


def _atomic_regions(function: Function) -> Iterator[ast.AST]:
    """The function when ``@transaction.atomic`` wraps it, and its ``with atomic()`` blocks."""
    if any(_is_atomic(decorator) for decorator in function.decorator_list):
        yield function
    for node in _walk(function.body):
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
            _is_atomic(item.context_expr) for item in node.items
        ):
            yield node


def _is_atomic(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return last_part(dotted_name(target)) == "atomic"


def _locks(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Attribute) and n.attr == "select_for_update" for n in ast.walk(node)
    )


def _rows_read(node: ast.expr) -> tuple[str, ...] | None:
    """Which rows a chain reads: where it starts and the calls that choose rows, so that
    ``basket.vouchers.select_for_update()`` and ``basket.vouchers.all()`` read the same."""
    chosen: list[str] = []
    current = node
    while isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
        method = current.func.attr
        arguments = [ast.dump(a) for a in (*current.args, *current.keywords)]
        if method not in _SAME_ROWS and (arguments or method not in _ONE_OF_THEM):
            chosen.append(":".join(["filter" if method == "get" else method, *arguments]))
        current = current.func.value
    if not isinstance(current, ast.Attribute) or current is node:
        return None
    return (ast.dump(current), *sorted(chosen))


def _body(region: ast.AST) -> Sequence[ast.AST]:
    return list(getattr(region, "body", []))


def _contains(root: ast.AST, node: ast.AST) -> bool:
    return any(child is node for child in ast.walk(root))


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _walk(nodes: Sequence[ast.AST]) -> Iterator[ast.AST]:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, SCOPE_NODES))
