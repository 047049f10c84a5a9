"""EG102: queries that a loop runs per iteration on purpose, or at most a few times.

The N+1 analysis notes every query a data-sized loop runs, and EG102 keeps those a loop that
grows with a table or a file repeats; these shapes are the ones where that note is not a
defect a bulk query would fix:

- a search for the first match: the query's success leaves the loop (``try: get(...)``
  with ``else: break``), so it runs once per miss, in the order the candidates are tried;
- a value fetched lazily, once: ``if cached is None: cached = Model.objects.get(...)``;
- rows fetched one by one from keys read first (``for pk in M.objects.values_list("pk",
  flat=True): M.objects.get(pk=pk)``): the loop pages through the table a row at a time
  (memory, a fresh row per transaction); iterating the rows instead is the bulk form and
  the author avoided it;
- a page per iteration: ``for start in range(0, total, size): qs[start:start + size]``;
- a queryset whose arguments do not change, streamed with ``.iterator()``: running it once
  before the loop means holding every row in memory, which ``.iterator()`` avoids;
- the rows of a file the code ships (its path spelled in the code: ``_shipped_files``);
- a count of the rows the same iteration updates or deletes in bulk, or hands whole to
  another function in an iteration that writes: the loop is a job per partition, and the
  count rides along with it.

The first match, the lazy fetch and the shipped file only bound
the loop they are in: inside another loop the query still repeats with it, so they count only
for loops that no other loop in the function encloses.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from errguard.astutil import SCOPE_NODES, dotted_name, last_part, names_loaded, walk_scope
from errguard.project.models.accesses import writes
from errguard.rules.queries._loops import exits
from errguard.rules.queries._nplusone import EVALUATING_CALLS, QueryInLoop, chain_root
from errguard.rules.queries._nplusone_driver import AnalysedNode
from errguard.rules.queries._shipped_files import shipped_rows

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_ANY_LOOP = (*_LOOPS, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_RANGE_LOOKUPS = ("__gt", "__gte", "__lt", "__lte", "__range")
_KEYS = frozenset({"pk", "id"})
_SIZES = frozenset({"count", "exists", "aggregate"})
_TOTALS = frozenset({"count", "aggregate"})
_BULK_WRITES = frozenset({"update", "delete"})


def deliberate(found: QueryInLoop, function: AnalysedNode) -> bool:
    """The query runs per iteration by design, or a bounded number of times."""
    loop = found.loop.node
    # Bounded or searching only within this loop: a loop around it would still repeat it.
    alone = not any(isinstance(node, _ANY_LOOP) for node in _path(function, loop))
    iterable = found.loop.iterable
    if alone and shipped_rows(iterable, function):
        return True
    if not isinstance(loop, (ast.For, ast.AsyncFor)):
        return False
    path = list(_path(loop, found.node))
    return (
        (alone and (_first_match(path) or _fetched_once(path, loop)))
        or _paged(found, loop)
        or _streamed(found)
        or _paged_by_key(found, loop, path, function)
        or _partition_job(found, loop)
    )


def _path(loop: ast.AST, node: ast.AST) -> Iterator[ast.AST]:
    """The nodes from ``loop`` (excluded) down to ``node`` (excluded), outermost first."""
    stack: list[tuple[ast.AST, tuple[ast.AST, ...]]] = [(loop, ())]
    while stack:
        current, above = stack.pop()
        if current is node:
            yield from above[1:]
            return
        if not isinstance(current, SCOPE_NODES) or current is loop:
            stack.extend((child, (*above, current)) for child in ast.iter_child_nodes(current))


def _leaves(stmts: list[ast.stmt], path: list[ast.AST], at: int) -> bool:
    """The block leaves the loop: ``return``/``raise`` always, ``break`` when it is the
    nearest loop around it (a ``break`` in an inner loop only ends that one)."""
    if not exits(stmts):
        return False
    inner_loop = any(isinstance(node, _LOOPS) for node in path[:at])
    return not inner_loop or not _ends_in_break(stmts)


def _ends_in_break(stmts: list[ast.stmt]) -> bool:
    last = stmts[-1]
    if isinstance(last, ast.If):
        return _ends_in_break(last.body) or _ends_in_break(last.orelse)
    return isinstance(last, ast.Break)


def _first_match(path: list[ast.AST]) -> bool:
    """``try: x = M.objects.get(...) except M.DoesNotExist: continue else: break``: each
    iteration tries the next candidate until one is found, in the caller's order of
    preference, which a bulk ``filter(__in=...)`` would lose."""
    for at, node in enumerate(path):
        if not isinstance(node, ast.Try) or at + 1 >= len(path):
            continue
        if path[at + 1] in node.body and (
            _leaves(node.body, path, at) or _leaves(node.orelse, path, at)
        ):
            return True
    return False


def _fetched_once(path: list[ast.AST], loop: ast.For | ast.AsyncFor) -> bool:
    """``if base is None: base = M.objects.get(...)``: once the name holds the row, the
    branch no longer runs; only when nothing else in the loop (re)binds the name."""
    for at, node in enumerate(path):
        if not (isinstance(node, ast.If) and at + 1 < len(path) and path[at + 1] in node.body):
            continue
        name = _unset_name(node.test)
        if (
            name is not None
            and name in _stored(node.body)
            and name not in _stored_outside([loop.target, *loop.body], node)
        ):
            return True
    return False


def _unset_name(test: ast.expr) -> str | None:
    """``x is None`` or ``not x``: the name tested for not holding a value yet."""
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return test.left.id
    if (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and isinstance(test.operand, ast.Name)
    ):
        return test.operand.id
    return None


def _stored(nodes: Sequence[ast.AST]) -> set[str]:
    return _stored_outside(nodes, None)


def _stored_outside(nodes: Sequence[ast.AST], skip: ast.AST | None) -> set[str]:
    """The names bound under ``nodes``, leaving out the subtree of ``skip``."""
    found: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node is skip:
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _unwrapped(node: ast.expr) -> ast.expr:
    """``enumerate(x)``, ``list(x)``: the iterable they pass through."""
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("enumerate", "list", "sorted", "reversed", "iter")
        and node.args
    ):
        node = node.args[0]
    return node


def _paged(found: QueryInLoop, loop: ast.For | ast.AsyncFor) -> bool:
    """``for start in range(0, total, size): qs[start:start + size]`` (or ``pk__gte=start``):
    a page per iteration, one pass over the rows in all."""
    iterable = loop.iter
    if not (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id == "range"
        and len(iterable.args) == 3
    ):
        return False
    targets = found.loop.targets
    for node in ast.walk(found.node):
        bounds: list[ast.expr | None] = []
        if isinstance(node, ast.Slice):
            bounds = [node.lower, node.upper]
        elif isinstance(node, ast.keyword) and (node.arg or "").endswith(_RANGE_LOOKUPS):
            bounds = [node.value]
        if any(bound is not None and names_loaded(bound) & targets for bound in bounds):
            return True
    return False


def _streamed(found: QueryInLoop) -> bool:
    """A queryset whose arguments do not change between iterations, iterated with
    ``.iterator()``: hoisting it would keep all its rows in memory, which streaming them
    avoids (and when the loop writes, a list made before it would hold stale rows)."""
    return (
        found.method == "iteration"
        and _calls(found.node, "iterator")
        and not names_loaded(found.node) & found.loop.assigned
    )


def _calls(node: ast.AST, method: str) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == method
        for n in ast.walk(node)
    )


def _paged_by_key(
    found: QueryInLoop, loop: ast.For | ast.AsyncFor, path: list[ast.AST], function: AnalysedNode
) -> bool:
    """``for pk in M.objects.values_list("pk", flat=True): M.objects.get(pk=pk)``, paging
    through the whole table, or a streamed (``.iterator()``) key list, or one row per
    transaction (the ``get`` inside an ``atomic()`` block of the loop). A filtered list of
    keys fetched one by one for a small job is still a query per key."""
    keys = found.loop.queryset
    call = found.node
    if not (
        found.method == "get"
        and keys is not None
        and keys.model.key == found.queryset.model.key
        and isinstance(call, ast.Call)
        and any(
            keyword.arg in _KEYS
            and isinstance(keyword.value, ast.Name)
            and keyword.value.id in found.loop.targets
            for keyword in call.keywords
        )
    ):
        return False
    iterable = _unwrapped(loop.iter)
    sources: list[ast.expr] = [iterable]
    if isinstance(iterable, ast.Name):
        sources += [
            node.value
            for node in walk_scope(function)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == iterable.id for t in node.targets)
        ]
    sources = [s for s in sources if any(_key_list(node) for node in ast.walk(s))]
    return any(
        _in_transaction(path)
        or _calls(source, "iterator")
        or not (_calls(source, "filter") or _calls(source, "exclude"))
        for source in sources
    )


def _in_transaction(path: list[ast.AST]) -> bool:
    """Inside a ``with transaction.atomic():`` block of the loop body."""
    return any(
        isinstance(node, (ast.With, ast.AsyncWith))
        and any(_called(item.context_expr) == "atomic" for item in node.items)
        for node in path
    )


def _called(node: ast.expr) -> str:
    return last_part(dotted_name(node.func if isinstance(node, ast.Call) else node))


def _key_list(node: ast.AST) -> bool:
    """``.values_list("pk", flat=True)``: the primary keys alone."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "values_list"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value in _KEYS
        and any(
            k.arg == "flat" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in node.keywords
        )
    )


def _partition_job(found: QueryInLoop, loop: ast.For | ast.AsyncFor) -> bool:
    """A count of the rows the same iteration writes in bulk (``M.objects.filter(...)
    .update(...)``), or hands whole to a function (``recount(tasks)``) in an iteration that
    writes (records the job): an ``exists()`` before handing rows on is a lookup per row."""
    call = found.node
    if not (
        found.method in _SIZES
        and isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
    ):
        return False
    receiver = call.func.value
    root = chain_root(receiver)
    for node in ast.walk(loop):
        if not isinstance(node, ast.Call) or node is call:
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in _BULK_WRITES
            and _calls(func.value, "filter")
            and chain_root(func.value) == root
        ):
            return True
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if (
            found.method in _TOTALS
            and isinstance(receiver, ast.Name)
            and any(isinstance(a, ast.Name) and a.id == receiver.id for a in arguments)
            and not _evaluates(node)
            and writes(loop.body)
        ):
            return True
    return False


def _evaluates(call: ast.Call) -> bool:
    """``len(qs)``, ``list(qs)``: reads the rows here, not a job handed the partition."""
    return isinstance(call.func, ast.Name) and call.func.id in EVALUATING_CALLS
