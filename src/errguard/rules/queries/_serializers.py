"""What a DRF ``ModelSerializer`` reads of each row it serialises, read from its class body.

For a list, DRF runs every field's ``to_representation`` once per row, so a field that
reaches a related object or manager reads it once per row:

- a nested serializer (``author = AuthorSerializer()``, ``tags = TagSerializer(many=True)``),
  and related fields that show the related object (``StringRelatedField``,
  ``SlugRelatedField``, a ``many=True`` related field, which evaluates ``.all()``);
- a dotted ``source`` (``source="author.name"``);
- a ``SerializerMethodField``'s ``get_<name>(self, obj)``: the ``obj.<path>`` chains it reads;
- a many-to-many or reverse relation named in ``Meta.fields`` (or a many-to-many field under
  ``"__all__"``) without a declared field: DRF makes it a ``PrimaryKeyRelatedField(many=True)``.

A foreign key named in ``Meta.fields`` is not a read: DRF shows its key from ``<fk>_id``.
Write-only fields are never shown. The reads are judged elsewhere against the view's queryset.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from errguard.astutil import last_part, qualified_name
from errguard.project.models.accesses import collect_accesses
from errguard.project.models.index import ModelIndex, ModelInfo

# Related fields that read the related object itself (not only its key).
_OBJECT_FIELDS = frozenset({"StringRelatedField", "SlugRelatedField"})
# Related fields that, with many=True, evaluate the related manager per row.
_RELATED_FIELDS = _OBJECT_FIELDS | frozenset(
    {"PrimaryKeyRelatedField", "HyperlinkedRelatedField", "HyperlinkedIdentityField"}
)
_MANY = frozenset({"m2m", "reverse_fk", "reverse_m2m", "generic"})


@dataclass(frozen=True)
class FieldRead:
    """``obj.<path>`` read by serializer field ``field`` (declared at ``line``)."""

    field: str
    line: int
    path: tuple[str, ...]
    called: bool
    shown: str = ""  # how the field reads it, when not by its own name: ``editor.name``


@dataclass(frozen=True)
class Serializer:
    name: str
    model: ModelInfo
    reads: tuple[FieldRead, ...]


def read_serializer(
    cls: ast.ClassDef, imports: Mapping[str, str], module: str, models: ModelIndex
) -> Serializer | None:
    """The serializer's model and reads, or None when it is not a ``ModelSerializer`` of a
    model the index has read, or prepares its own rows (``setup_eager_loading``)."""
    if not any(
        last_part(qualified_name(b, imports)).endswith("ModelSerializer") for b in cls.bases
    ):
        return None
    meta = next((s for s in cls.body if isinstance(s, ast.ClassDef) and s.name == "Meta"), None)
    attributes = _attributes(meta) if meta is not None else {}
    model_node = attributes.get("model")
    if model_node is None or "depth" in attributes:
        return None
    model = models.get(_qualify(model_node, imports, module))
    methods = {
        item.name: item
        for item in cls.body
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    if model is None or model.inferred or any("eager" in name for name in methods):
        return None
    declared = _attributes(cls)
    reads = [
        read
        for name, value in declared.items()
        if isinstance(value, ast.Call)
        for read in _field_reads(name, value, methods, imports)
    ]
    reads += _implicit_reads(attributes.get("fields"), declared, model)
    return Serializer(cls.name, model, tuple(reads))


def _field_reads(
    name: str,
    call: ast.Call,
    methods: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef],
    imports: Mapping[str, str],
) -> Iterator[FieldRead]:
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    if _true(keywords.get("write_only")):
        return
    kind = last_part(qualified_name(call.func, imports))
    if kind == "SerializerMethodField":
        method_name = _string(keywords.get("method_name")) or _string(
            call.args[0] if call.args else None
        )
        method = methods.get(method_name or f"get_{name}")
        yield from _method_reads(name, method) if method is not None else ()
        return
    source = _string(keywords.get("source")) or name
    if source == "*" or source.startswith("_"):
        return
    path = tuple(source.split("."))
    many = _true(keywords.get("many"))
    if kind.endswith("Serializer") or kind in _RELATED_FIELDS:
        if many:
            yield FieldRead(name, call.lineno, (*path, "all"), True)
        elif kind not in _RELATED_FIELDS or kind in _OBJECT_FIELDS:
            yield FieldRead(name, call.lineno, path, False)
        elif len(path) > 1:
            yield FieldRead(name, call.lineno, path[:-1], False, source)
    elif len(path) > 1:
        yield FieldRead(name, call.lineno, path, False, source)


def _method_reads(
    field: str, method: ast.FunctionDef | ast.AsyncFunctionDef
) -> Iterator[FieldRead]:
    parameters = [*method.args.posonlyargs, *method.args.args]
    if len(parameters) != 2:
        return
    row = parameters[1].arg
    for access in collect_accesses(method.body, frozenset({row})):
        if access.path and not access.root:
            shown = f"{row}.{'.'.join(access.path)}{'()' if access.called else ''}"
            yield FieldRead(field, access.node.lineno, access.path, access.called, shown)


def _implicit_reads(
    fields: ast.expr | None, declared: Mapping[str, ast.expr], model: ModelInfo
) -> Iterator[FieldRead]:
    """Many relations ``Meta.fields`` names without declaring a field for them."""
    if isinstance(fields, (ast.List, ast.Tuple)):
        names = [_string(e) for e in fields.elts]
    elif _string(fields) == "__all__":
        names = [n for n, r in model.relations.items() if r.kind == "m2m"]
    else:
        return
    assert fields is not None
    for name in names:
        relation = model.relations.get(name or "")
        if name and name not in declared and relation is not None and relation.kind in _MANY:
            yield FieldRead(name, fields.lineno, (name, "all"), True)


def _attributes(cls: ast.ClassDef) -> dict[str, ast.expr]:
    return {
        target.id: stmt.value
        for stmt in cls.body
        if isinstance(stmt, ast.Assign)
        for target in stmt.targets
        if isinstance(target, ast.Name)
    }


def _qualify(node: ast.expr, imports: Mapping[str, str], module: str) -> str | None:
    if isinstance(node, ast.Name) and node.id not in imports:
        return f"{module}.{node.id}"
    return qualified_name(node, imports)


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True
