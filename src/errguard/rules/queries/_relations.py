"""Does reading ``instance.a.b.c`` run a query? Judged against what the queryset loaded.

Forward FK / one-to-one attributes load their object unless ``select_related`` (or a
``prefetch_related``) brought it; ``obj.<fk>_id`` never loads. Reverse FK and many-to-many
managers query when evaluated, unless prefetched and evaluated in a way the prefetch cache
serves (``all()``, iteration, ``count()``, ``exists()``); ``filter()`` and friends always query.
Deferred fields load on access. Model properties and methods are followed one level deep.
"""

from __future__ import annotations

from dataclasses import dataclass

from errguard.project.models.classes import RawMember
from errguard.project.models.index import ModelIndex, ModelInfo, Relation
from errguard.rules.queries._bindings import Instance, Loaded

# Related-manager methods that run a query (writes like add()/create() are another matter).
MANAGER_QUERIES = frozenset(
    {
        "all",
        "count",
        "exists",
        "first",
        "last",
        "filter",
        "exclude",
        "get",
        "order_by",
        "values",
        "values_list",
        "aggregate",
        "annotate",
        "latest",
        "earliest",
        "in_bulk",
        "distinct",
        "iterator",
    }
)
# What a prefetch cache answers without a query; first() too when the model is ordered
# (last() reverses the queryset, a new query either way).
PREFETCH_CACHED = frozenset({"all", "count", "exists"})


@dataclass(frozen=True)
class Load:
    kind: str  # select, prefetch, bypass, deferred, pk
    owner: ModelInfo
    relation: Relation | None
    lookup: str  # relative to the instance read from
    detail: str  # the read, as written after the variable: "author", "reviews.count()"
    method: str = ""
    member: str = ""  # what a model property/method reads, when reached through one


def interpret(
    models: ModelIndex,
    instance: Instance,
    path: tuple[str, ...],
    called: bool,
    assigned: frozenset[str] = frozenset(),
    *,
    members: bool = True,
    arguments: bool = False,
) -> Load | None:
    """The query that reading ``instance.<path>`` runs, or None when it runs none.

    ``arguments``: the final call passes arguments.
    """
    model, loaded = instance.model, instance.loaded
    if model.inferred:
        return _inferred_load(model, loaded, path, called, assigned, arguments=arguments)
    for index, name in enumerate(path):
        last = index == len(path) - 1
        if not loaded.opaque and _deferred_column(model, loaded, name):
            # ``only("title")`` defers ``author_id`` too: reading it loads the column.
            walked = path[:index]
            return Load("deferred", model, None, _lookup(walked, name), _detail(path, index))
        if loaded.opaque or _not_a_load(model, loaded, name):
            return None
        relation = model.relations.get(name)
        walked = path[:index]
        if relation is None:
            member = model.members.get(name) if members else None
            # A property, or a method called without arguments (an accessor like
            # ``tag_names()``); methods taking arguments are actions, not reads.
            accessor = last and called and not arguments
            if member is not None and (member.is_property or accessor):
                here = Instance(model, loaded, instance.source, instance.path, instance.variable)
                return _through_member(models, here, path=path, index=index, member=member)
            if _deferred(model, loaded, name):
                return Load("deferred", model, None, _lookup(walked, name), _detail(path, index))
            return None
        if relation.single:
            if _is_loaded(loaded, relation) or (not walked and name in assigned):
                target = models.models.get(relation.target or "")
                if target is None:
                    return None
                model, loaded = target, loaded.below(name)
                continue
            following = "" if last else path[index + 1]
            kind = "select" if relation.selectable else "prefetch"
            if following in ("pk", "id") and relation.kind in ("fk", "o2o"):
                kind = "pk"
            lookup = _lookup(walked, name)
            if kind == "select":  # one select_related covers the whole chain read here
                lookup = "__".join(
                    (lookup, *_selectable_chain(models, relation, path[index + 1 :]))
                )
            return Load(kind, model, relation, lookup, _detail(path, index))
        return _manager_call(models, model, loaded, relation, path=path, index=index, called=called)
    return None


def _manager_call(
    models: ModelIndex,
    model: ModelInfo,
    loaded: Loaded,
    relation: Relation,
    *,
    path: tuple[str, ...],
    index: int,
    called: bool,
) -> Load | None:
    """``obj.<manager>.<method>()``: the manager alone (passed on) is not evaluated here."""
    if index + 2 != len(path) or not called:
        return None
    method = path[index + 1]
    if method not in MANAGER_QUERIES:
        return None
    lookup = _lookup(path[:index], relation.name)
    detail = f"{_detail(path, index)}.{method}()"
    if loaded.has(relation.name):
        target = models.models.get(relation.target or "")
        ordered = target is not None and target.ordered
        if method in PREFETCH_CACHED or (method == "first" and ordered):
            return None
        return Load("bypass", model, relation, lookup, detail, method)
    return Load("prefetch", model, relation, lookup, detail, method)


def _inferred_load(
    model: ModelInfo,
    loaded: Loaded,
    path: tuple[str, ...],
    called: bool,
    assigned: frozenset[str],
    *,
    arguments: bool,
) -> Load | None:
    """``instance.<path>`` on a model the index cannot read, judged by how it is used.

    ``obj.x.all()`` (a manager query) can only be a relation; ``obj.x.y`` is taken for a
    forward relation unless the names say it is a value (a date, a file, a JSON field, a
    string). A single ``obj.x`` could be any field and is never reported.
    """
    name = path[0]
    if (
        len(path) < 2
        or name.startswith("_")
        or name in ("pk", "id")
        or name.endswith("_id")
        or name in loaded.annotations
        or name in loaded.to_attrs
        or name in assigned
        or loaded.opaque
        or looks_like_a_value(name)
    ):
        return None
    following = path[1]
    if len(path) == 2 and called and following in _INFERRED_MANAGER_QUERIES:
        if following in _TAKES_NO_ARGUMENTS and arguments:
            return None  # list.count(x), str.count(x)
        relation = Relation(name, "reverse_fk", None)
        detail = f"{name}.{following}()"
        if loaded.has(name):
            if following in PREFETCH_CACHED:
                return None
            return Load("bypass", model, relation, name, detail, following)
        return Load("prefetch", model, relation, name, detail, following)
    if loaded.has(name) or loaded.select_all or following in _VALUE_ATTRIBUTES:
        return None
    if following in ("pk", "id"):
        return Load("pk", model, Relation(name, "fk", None), name, name)
    return Load("select", model, Relation(name, "fk", None), name, name)


# Manager queries that no common value type (str, list, dict, date, file) also has.
_INFERRED_MANAGER_QUERIES = MANAGER_QUERIES - {"values", "get", "in_bulk"}
_TAKES_NO_ARGUMENTS = frozenset({"all", "count", "exists", "first", "last", "iterator"})
# Attributes and methods of values (str, dates, numbers, files, enums, dicts), not of rows.
_VALUE_ATTRIBUTES = frozenset(
    {
        "capitalize", "date", "day", "decode", "encode", "endswith", "format", "get",
        "height", "hour", "isoformat", "items", "keys", "lower", "minute", "month", "path",
        "quantize", "replace", "second", "size", "split", "startswith", "strftime", "strip",
        "time", "timestamp", "upper", "url", "value", "values", "weekday", "width", "year",
        "tzinfo", "total_seconds", "days", "seconds", "real", "imag", "label",
    }
)  # fmt: skip
# Field names that hold values: dates, files, structured data, text, numbers, choices.
_VALUE_NAMES = frozenset(
    {
        "created", "modified", "updated", "date", "time", "timestamp", "datetime", "deadline",
        "file", "image", "photo", "picture", "avatar", "attachment", "document", "logo",
        "thumbnail", "icon", "video", "audio", "media", "upload", "cover", "banner", "pdf",
        "data", "metadata", "meta", "extra", "settings", "config", "options", "payload",
        "details", "attributes", "properties", "context", "params", "headers", "json",
        "name", "title", "slug", "email", "description", "text", "body", "content", "summary",
        "status", "state", "type", "kind", "code", "url", "uuid", "key", "token", "path",
        "price", "amount", "total", "cost", "balance", "duration", "interval", "period",
        "location", "point", "geometry", "polygon", "range", "tags_cache", "objects",
    }
)  # fmt: skip
_VALUE_SUFFIXES = (
    "_at", "_on", "_date", "_time", "_datetime", "_file", "_image", "_photo", "_url", "_path",
    "_data", "_json", "_name", "_type", "_status", "_state", "_code", "_count", "_config",
    "_settings", "_range", "_duration", "_list", "_dict", "_ids",
)  # fmt: skip


def looks_like_a_value(name: str) -> bool:
    """The field name says it holds a value, not a related row (``created_at``, ``image``)."""
    return name in _VALUE_NAMES or name.endswith(_VALUE_SUFFIXES)


def _through_member(
    models: ModelIndex,
    here: Instance,
    *,
    path: tuple[str, ...],
    index: int,
    member: RawMember,
) -> Load | None:
    for member_path, member_called in member.accesses:
        found = interpret(models, here, member_path, member_called, members=False)
        if found is not None:
            suffix = "" if member.is_property else "()"
            return Load(
                found.kind,
                found.owner,
                found.relation,
                _lookup(path[:index], found.lookup),
                f"{_detail(path, index)}{suffix}",
                found.method,
                member=f"self.{found.detail}",
            )
    return None


def _selectable_chain(models: ModelIndex, relation: Relation, rest: tuple[str, ...]) -> list[str]:
    """The further single-valued relations ``rest`` reads through, for one select_related."""
    chain: list[str] = []
    for name in rest:
        target = models.models.get(relation.target or "")
        following = target.relations.get(name) if target is not None else None
        if following is None or not following.selectable:
            break
        chain.append(name)
        relation = following
    return chain


def _lookup(walked: tuple[str, ...], name: str) -> str:
    return "__".join((*walked, name))


def _detail(path: tuple[str, ...], index: int) -> str:
    return ".".join(path[: index + 1])


def _deferred_column(model: ModelInfo, loaded: Loaded, name: str) -> bool:
    """``book.author_id`` when ``.only()``/``.defer()`` left the foreign key's column out."""
    relation = model.attname_of(name)
    if relation is None:
        return False
    kept = loaded.only is None or name in loaded.only or relation in loaded.only
    return not kept or name in loaded.deferred or relation in loaded.deferred


def _not_a_load(model: ModelInfo, loaded: Loaded, name: str) -> bool:
    return (
        name == "pk"
        or model.attname_of(name) is not None
        or name in loaded.annotations
        or name in loaded.to_attrs
    )


def _is_loaded(loaded: Loaded, relation: Relation) -> bool:
    if loaded.has(relation.name):
        return True
    return loaded.select_all and relation.kind in ("fk", "o2o") and not relation.null


def _deferred(model: ModelInfo, loaded: Loaded, name: str) -> bool:
    raw = model.fields.get(name)
    if raw is None or raw.kind != "field" or raw.primary_key or name == "id":
        return False
    return (loaded.only is not None and name not in loaded.only) or name in loaded.deferred
