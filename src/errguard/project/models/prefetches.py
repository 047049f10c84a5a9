"""The relation lookups a project prefetches somewhere, read from its source.

A function that loops over a related manager of a row its caller handed in
(``for line in invoice.lines.all(): line.product``) runs one query per row only if no caller
prefetched the relation. Callers are hard to follow across modules, but a prefetch must be
spelled somewhere: ``prefetch_related("lines__product")``, ``Prefetch("lines",
queryset=Line.objects.select_related("product"))``, ``prefetch_related_objects(rows,
"lines__product")``. A lookup the project never spells is prefetched by no caller.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from errguard.astutil import parse_or_none

# Every file that prefetches contains one of these.
HINTS = (b"prefetch_related", b"Prefetch(")
_LOADING_CALLS = frozenset({"prefetch_related", "select_related"})
# How many names deep a lookup is followed (names can refer to themselves).
_MAX_DEPTH = 5


def prefetched_lookups(
    sources: Mapping[Path, bytes], of_file: Callable[[Path, bytes], Iterable[str]] | None = None
) -> frozenset[str]:
    """Every lookup the project's files prefetch, with nested ``Prefetch`` querysets' own
    loads prefixed by the outer lookup (``lines`` and ``lines__product``). ``of_file`` gives
    one file's lookups (from a cache); by default they are read from its source."""
    found: set[str] = set()
    for path, data in sources.items():
        if any(hint in data for hint in HINTS):
            found.update((of_file or file_lookups)(path, data))
    # ``lines__product`` prefetches ``lines`` too.
    return frozenset(
        "__".join(parts[:end])
        for parts in (lookup.split("__") for lookup in found)
        for end in range(1, len(parts) + 1)
    )


def file_lookups(_path: Path, data: bytes) -> tuple[str, ...]:
    """The lookups one file prefetches, in the order it spells them."""
    tree = parse_or_none(data)
    return () if tree is None else tuple(dict.fromkeys(_FileLookups(tree).all()))


class _FileLookups:
    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        # Names bound to a Prefetch(...) or a tuple of lookups, to follow
        # ``prefetch_related(prefetch_lines)`` and ``prefetch_related(*FIELDS)``.
        self.names: dict[str, list[ast.expr]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    self.names.setdefault(target.id, []).append(node.value)

    def all(self) -> Iterator[str]:
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called(node)
            if name == "Prefetch":
                yield from self._prefetch(node, depth=0)
            elif name == "prefetch_related":
                yield from self._arguments(node.args, depth=0)
            elif name == "prefetch_related_objects":
                yield from self._arguments(node.args[1:], depth=0)

    def _prefetch(self, call: ast.Call, depth: int) -> Iterator[str]:
        lookup = call.args[0] if call.args else None
        if not (isinstance(lookup, ast.Constant) and isinstance(lookup.value, str)):
            return
        # With to_attr, the last step's rows land in a list of that name, not in the manager's
        # cache: ``Prefetch("lines", to_attr="paid")`` prefetches ``paid``, not ``lines``.
        to_attr = next((k.value for k in call.keywords if k.arg == "to_attr"), None)
        head = lookup.value
        if isinstance(to_attr, ast.Constant) and isinstance(to_attr.value, str):
            head = "__".join([*lookup.value.split("__")[:-1], to_attr.value])
        yield head
        positional = call.args[1] if len(call.args) > 1 else None
        queryset = next((k.value for k in call.keywords if k.arg == "queryset"), positional)
        for inner in self._chain_loads(queryset, depth + 1):
            yield f"{head}__{inner}"

    def _chain_loads(self, node: ast.expr | None, depth: int) -> Iterator[str]:
        """What ``select_related``/``prefetch_related`` calls in a queryset chain load."""
        if isinstance(node, ast.Name) and depth <= _MAX_DEPTH:  # ``queryset=books``
            for value in self.names.get(node.id, ()):
                yield from self._chain_loads(value, depth + 1)
            return
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in _LOADING_CALLS:
                yield from self._arguments(node.args, depth)
            node = node.func.value

    def _arguments(self, arguments: Iterable[ast.expr], depth: int) -> Iterator[str]:
        if depth > _MAX_DEPTH:  # a Prefetch bound to a name its own queryset uses
            return
        for given in arguments:
            argument = given.value if isinstance(given, ast.Starred) else given
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                yield argument.value
            elif isinstance(argument, ast.Call) and _called(argument) == "Prefetch":
                yield from self._prefetch(argument, depth)
            elif isinstance(argument, (ast.Tuple, ast.List)):
                yield from self._arguments(argument.elts, depth)
            elif isinstance(argument, ast.Name):
                yield from self._arguments(self.names.get(argument.id, ()), depth + 1)


def _called(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
