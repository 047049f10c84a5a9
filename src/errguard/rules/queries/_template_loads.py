"""What a template's loops load per row, judged against the queryset a view passes them.

Templates are parsed once per version of the file and of every file they include. A read is
interpreted as the view's Python reading the row would be (``_relations.interpret``); a
``{{ row }}`` is the row's ``__str__``, followed into the model's ``__str__`` only on a model
the index has read (what an unread model's ``__str__`` does is unknown), and only to a
relation that every row has (not a nullable foreign key).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from errguard.config import Config
from errguard.project.reads import record
from errguard.rules.queries._bindings import Instance, QuerySet
from errguard.rules.queries._querysets import Resolver
from errguard.rules.queries._relations import PREFETCH_CACHED, Load, interpret
from errguard.rules.queries._templates import (
    Loop,
    Read,
    find_template,
    read_template,
    template_loops,
)

_LOADS = frozenset({"select", "prefetch", "deferred", "pk"})
_Version = tuple[int, int] | None
_PARSED: dict[
    tuple[Path, Path, Path, tuple[str, ...]], tuple[list[tuple[Path, _Version]], list[Loop]]
]
_PARSED = {}


@dataclass(frozen=True)
class Found:
    """A relation the loops load per row, and the read that first loads it."""

    load: Load
    read: Read


def loops_of(path: Path, config: Config, root: Path) -> list[Loop]:
    """The template's loops, with what the templates it includes read (shown relative to
    ``root``); parsed again only when one of those files changed."""
    key = (path, root, config.root, config.exclude)
    cached = _PARSED.get(key)
    if cached is not None and all(_version(file) == version for file, version in cached[0]):
        _record_read(cached[0])
        return cached[1]
    files: list[tuple[Path, _Version]] = [(path, _version(path))]

    def include(name: str) -> tuple[str, str] | None:
        found = find_template(config, name, root)
        text = read_template(found) if found is not None else None
        if found is None or text is None:
            return None
        files.append((found, _version(found)))
        return display(found, root), text

    text = read_template(path)
    loops = template_loops(text, include) if text is not None else []
    _PARSED[key] = (files, loops)
    _record_read(files)
    return loops


def _record_read(files: list[tuple[Path, _Version]]) -> None:
    record("template-dirs")  # which file an include names depends on every template directory
    for file, _ in files:
        record("template", str(file))


def loads_of(rows: QuerySet, loops: list[Loop], resolver: Resolver) -> list[Found]:
    """One load per chain (``thread__mailinglist`` covers ``thread``), at the first read that
    loads any part of it; in the order the templates read them."""
    first: dict[str, tuple[int, Found]] = {}
    for order, found in enumerate(f for loop in loops for f in _loads(rows, loop, resolver)):
        first.setdefault(found.load.lookup, (order, found))
    widest = []
    for lookup, (order, found) in first.items():
        if any(other.startswith(f"{lookup}__") for other in first):
            continue
        covered = [first[other] for other in first if lookup.startswith(f"{other}__")]
        earliest = min([(order, found), *covered], key=lambda pair: pair[0])
        widest.append((earliest[0], Found(found.load, earliest[1].read)))
    return [found for _, found in sorted(widest, key=lambda pair: pair[0])]


def _loads(rows: QuerySet, loop: Loop, resolver: Resolver) -> Iterator[Found]:
    """Each relation the loop loads per row, once, with the first read of it."""
    if rows.rows != "instances" or rows.loaded.opaque or (rows.bound or 2) <= 1:
        return
    instance = Instance(rows.model, rows.loaded, rows, (), loop.row)
    seen: set[str] = set()
    for read in loop.reads:
        load = _interpret(rows, instance, read, resolver)
        if load is None or load.kind not in _LOADS or load.lookup in seen:
            continue
        if load.method and load.method not in PREFETCH_CACHED:
            continue  # ``.filter()``, ``.order_by()``: a query per row even when prefetched
        seen.add(load.lookup)
        yield Found(load, read)


def _interpret(rows: QuerySet, instance: Instance, read: Read, resolver: Resolver) -> Load | None:
    # ``{{ row.author }}`` loads the author whatever its ``__str__`` does.
    load = interpret(resolver.models, instance, read.path, called=True) if read.path else None
    if load is not None or not read.shown or rows.model.inferred:
        return load
    return _str_load(instance, read.path, resolver)


def _str_load(instance: Instance, path: tuple[str, ...], resolver: Resolver) -> Load | None:
    """The first relation that the ``__str__`` of what ``path`` names (loaded, else reading it
    was the load) reads and does not have: not a nullable one (``if self.project: ...`` runs
    no query for a row without one, and which rows have one is the data's business)."""
    model, loaded = instance.model, instance.loaded
    for name in path:
        relation = model.relations.get(name)
        target = resolver.models.models.get(relation.target or "") if relation else None
        if relation is None or not relation.single or target is None:
            return None
        model, loaded = target, loaded.below(name)
    member = model.members.get("__str__")
    if member is None:
        return None
    here = Instance(model, loaded, instance.source, (), instance.variable)
    for access, called in member.accesses:
        load = interpret(resolver.models, here, access, called, members=False)
        if load is not None and load.relation is not None and not load.relation.null:
            lookup = "__".join((*path, load.lookup))
            return replace(load, lookup=lookup, detail=f"{'.'.join(path)}.__str__()")
    return None


def reads_text(row: str, found: list[Found], template: str, root: str) -> str:
    """``template``: the file of the loop the message names; ``root``: the rendered one."""
    shown = []
    for item in found:
        read = item.read
        where = read.template or root
        at = f"line {read.line}" if where == template else f"{where}:{read.line}"
        if item.load.detail.endswith("__str__()"):
            at += ", in its `__str__`"
        shown.append(f"`{row}.{item.load.lookup.replace('__', '.')}` ({at})")
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def advice(row: str, found: list[Found], where: str) -> str:
    """Where to load what the rows read: the queryset's lookups, and ``_id`` for a key."""
    loads = [item.load for item in found]
    select = sorted({load.lookup for load in loads if load.kind == "select"})
    prefetch = sorted({load.lookup for load in loads if load.kind == "prefetch"})
    deferred = sorted({load.lookup for load in loads if load.kind == "deferred"})
    keys = sorted({load.lookup for load in loads if load.kind == "pk"})
    parts = []
    if select:
        parts.append(f"`.select_related({_quoted(select)})`")
    if prefetch:
        parts.append(f"`.prefetch_related({_quoted(prefetch)})`")
    if deferred:
        parts.append(f"the deferred field{'s' if len(deferred) > 1 else ''} {', '.join(deferred)}")
    text = [f"add {' and '.join(parts)} to the queryset{where}"] if parts else []
    text += [f"read `{row}.{key.replace('__', '.')}_id` for its key" for key in keys]
    return "; ".join(text)


def display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _quoted(lookups: list[str]) -> str:
    return ", ".join(f'"{lookup}"' for lookup in lookups)


def _version(path: Path) -> _Version:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size
