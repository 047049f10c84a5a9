"""What one module says about Django models, read from its syntax tree alone.

The records here are unresolved (bases and relation targets are names as the module wrote
them, made absolute through its imports) and JSON-friendly, so they can be cached per file
content. ``errguard.project.models.index`` resolves them across modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from errguard.astutil import collect_imports, dotted_name, last_part, qualified_name, walk_scope
from errguard.project.models.accesses import WRITE_METHODS, collect_accesses
from errguard.project.modules import resolve_relative

FORWARD_KINDS = {
    "ForeignKey": "fk",
    "ParentalKey": "fk",
    "TreeForeignKey": "fk",
    "OneToOneField": "o2o",
    "ManyToManyField": "m2m",
    "ParentalManyToManyField": "m2m",
    "TreeManyToManyField": "m2m",
    "TaggableManager": "m2m",
    "GenericForeignKey": "gfk",
    "GenericRelation": "generic",
}
# Queryset methods whose use inside a custom manager/queryset method changes what is loaded.
LOADING_METHODS = frozenset(
    {"select_related", "prefetch_related", "only", "defer", "values", "values_list"}
)
_PROPERTY_DECORATORS = frozenset({"property", "cached_property"})
_NOT_MODEL_FIELD_MODULES = ("forms", "serializers", "filters", "graphene", "schema")
# Class attributes holding a field instance that are not model fields (database functions).
_NOT_MODEL_FIELDS = frozenset({"output_field"})


@dataclass(frozen=True)
class RawField:
    name: str
    kind: str  # "field", "fk", "o2o", "m2m", "gfk" or "generic"
    target: str | None = None  # an absolute class name, or a string label as written
    null: bool = False
    unique: bool = False
    primary_key: bool = False
    related_name: str | None = None
    field_type: str = ""  # the field class's name: "IntegerField", "CharField", ...


@dataclass(frozen=True)
class RawMember:
    """A method or property and the ``self.<path>`` chains it reads."""

    name: str
    is_property: bool
    accesses: tuple[tuple[tuple[str, ...], bool], ...]  # (path, called)


@dataclass(frozen=True)
class RawClass:
    name: str
    module: str
    line: int
    bases: tuple[str, ...]
    fields: tuple[RawField, ...] = ()
    managers: tuple[str, ...] = ()
    members: tuple[RawMember, ...] = ()
    abstract: bool = False
    proxy: bool = False
    ordered: bool = False
    app_label: str | None = None
    unique_together: tuple[tuple[str, ...], ...] = ()
    # Methods defined here (for custom managers and querysets) and those that change loading.
    methods: tuple[str, ...] = ()
    loading_methods: tuple[str, ...] = ()
    # The other methods, with the methods called in what each returns: one returning what a
    # loading method gives (``return qs.prefetch_for_render()``) changes loading too.
    method_calls: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RawClass:
        return cls(
            name=data["name"],
            module=data["module"],
            line=data["line"],
            bases=tuple(data["bases"]),
            fields=tuple(RawField(**f) for f in data["fields"]),
            managers=tuple(data["managers"]),
            members=tuple(
                RawMember(
                    m["name"],
                    m["is_property"],
                    tuple((tuple(path), called) for path, called in m["accesses"]),
                )
                for m in data["members"]
            ),
            abstract=data["abstract"],
            proxy=data["proxy"],
            ordered=data["ordered"],
            app_label=data["app_label"],
            unique_together=tuple(tuple(group) for group in data["unique_together"]),
            methods=tuple(data["methods"]),
            loading_methods=tuple(data["loading_methods"]),
            method_calls=tuple((name, tuple(calls)) for name, calls in data["method_calls"]),
        )


def extract_classes(tree: ast.Module, module: str, *, is_package: bool) -> list[RawClass]:
    """Every top-level class with bases: models, their abstract bases, managers, querysets."""
    imports = {
        local: resolve_relative(target, module, is_package=is_package)
        for local, target in collect_imports(tree.body).items()
    }
    local_classes = {stmt.name for stmt in tree.body if isinstance(stmt, ast.ClassDef)}
    return [
        _extract_class(stmt, module, imports, local_classes)
        for stmt in tree.body
        if isinstance(stmt, ast.ClassDef) and stmt.bases
    ]


def _absolute(node: ast.AST, imports: Mapping[str, str], module: str, local: set[str]) -> str:
    name = qualified_name(node, imports) or ""
    if name in local:
        return f"{module}.{name}"
    return name


def _extract_class(
    node: ast.ClassDef, module: str, imports: Mapping[str, str], local: set[str]
) -> RawClass:
    fields, managers, members, methods, loading = [], [], [], [], []
    calls: list[tuple[str, tuple[str, ...]]] = []
    meta: dict[str, Any] = {}
    functions = []
    for stmt in node.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
            meta = _meta(stmt)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(stmt)
        else:
            for name, value in _class_assignments(stmt):
                found = _field(name, value, imports, module, local)
                if found is not None:
                    fields.append(found)
                elif _is_manager(value, imports):
                    managers.append(name)
    # What a model's properties and methods read; other classes (managers, querysets, forms)
    # only need their method names.
    model_like = (
        bool(fields)
        or "abstract" in meta
        or any((dotted_name(base) or "").endswith("Model") for base in node.bases)
    )
    for function in functions:
        methods.append(function.name)
        facts = _method_facts(function)
        if facts.loads:
            loading.append(function.name)
        elif facts.calls:
            calls.append((function.name, facts.calls))
        if model_like and not facts.database_work:
            member = _member(function)
            if member.accesses:
                members.append(member)
    return RawClass(
        name=node.name,
        module=module,
        line=node.lineno,
        bases=tuple(_absolute(base, imports, module, local) for base in node.bases),
        fields=tuple(fields),
        managers=tuple(managers),
        members=tuple(members),
        abstract=bool(meta.get("abstract")),
        proxy=bool(meta.get("proxy")),
        ordered=bool(meta.get("ordering")),
        app_label=meta.get("app_label"),
        unique_together=tuple(meta.get("unique_together", ())),
        methods=tuple(methods),
        loading_methods=tuple(loading),
        method_calls=tuple(calls),
    )


def _class_assignments(stmt: ast.stmt) -> Iterator[tuple[str, ast.expr]]:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Name):
            yield target.id, stmt.value
    elif (
        isinstance(stmt, ast.AnnAssign)
        and stmt.value is not None
        and isinstance(stmt.target, ast.Name)
    ):
        yield stmt.target.id, stmt.value


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _field(
    name: str, value: ast.expr, imports: Mapping[str, str], module: str, local: set[str]
) -> RawField | None:
    if not isinstance(value, ast.Call) or name in _NOT_MODEL_FIELDS:
        return None
    callee = qualified_name(value.func, imports)
    short = last_part(callee)
    if not callee or not (short in FORWARD_KINDS or short.endswith("Field")):
        return None
    if any(part in _NOT_MODEL_FIELD_MODULES for part in callee.split(".")[:-1]):
        return None
    kind = FORWARD_KINDS.get(short, "field")
    null = _is_true(_keyword(value, "null"))
    unique = _is_true(_keyword(value, "unique")) or kind == "o2o"
    primary_key = _is_true(_keyword(value, "primary_key"))
    if kind == "field":
        return RawField(
            name, kind, unique=unique or primary_key, primary_key=primary_key, field_type=short
        )
    target_node = value.args[0] if value.args else _keyword(value, "to")
    related = _keyword(value, "related_name")
    return RawField(
        name,
        kind,
        target=_target(target_node, imports, module, local),
        null=null or kind == "gfk",
        unique=unique,
        primary_key=primary_key,
        related_name=related.value
        if isinstance(related, ast.Constant) and isinstance(related.value, str)
        else None,
    )


def _target(
    node: ast.expr | None, imports: Mapping[str, str], module: str, local: set[str]
) -> str | None:
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    name = dotted_name(node)
    if name is not None and last_part(name) == "AUTH_USER_MODEL":
        return "settings.AUTH_USER_MODEL"
    if isinstance(node, ast.Call) and last_part(dotted_name(node.func)) == "get_user_model":
        return "settings.AUTH_USER_MODEL"
    return _absolute(node, imports, module, local) or None


def _is_manager(value: ast.expr, imports: Mapping[str, str]) -> bool:
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Attribute) and func.attr == "as_manager":
        return True
    if isinstance(func, ast.Call):  # Manager.from_queryset(QS)()
        return _is_manager(func, imports) or last_part(dotted_name(func.func)) == "from_queryset"
    return last_part(qualified_name(func, imports)).endswith("Manager")


def _meta(node: ast.ClassDef) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    groups: list[tuple[str, ...]] = []
    for name, value in (pair for stmt in node.body for pair in _class_assignments(stmt)):
        if name in ("abstract", "proxy"):
            meta[name] = _is_true(value)
        elif name == "app_label" and isinstance(value, ast.Constant):
            meta[name] = value.value
        elif name == "ordering":
            meta[name] = not (isinstance(value, (ast.List, ast.Tuple)) and not value.elts)
        elif name == "unique_together":
            groups.extend(_unique_together(value))
        elif name == "constraints" and isinstance(value, (ast.List, ast.Tuple)):
            groups.extend(_unique_constraints(value.elts))
    meta["unique_together"] = groups
    return meta


def _strings(node: ast.AST) -> tuple[str, ...] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return tuple(str(e.value) for e in node.elts if isinstance(e, ast.Constant))
    return None


def _unique_together(value: ast.expr) -> list[tuple[str, ...]]:
    flat = _strings(value)
    if flat is not None:
        return [flat] if flat else []
    if isinstance(value, (ast.List, ast.Tuple)):
        return [group for e in value.elts if (group := _strings(e))]
    return []


def _unique_constraints(elements: list[ast.expr]) -> Iterator[tuple[str, ...]]:
    for element in elements:
        if not isinstance(element, ast.Call) or last_part(dotted_name(element.func)) != (
            "UniqueConstraint"
        ):
            continue
        if _keyword(element, "condition") is not None or element.args:
            continue  # partial or expression constraints do not make a lookup unique
        names = _strings(_keyword(element, "fields") or ast.List(elts=[]))
        if names:
            yield names


@dataclass(frozen=True)
class _MethodFacts:
    loads: bool  # calls select_related/only/values...: a custom queryset method changing loading
    database_work: bool  # queries or writes itself (see accesses.does_database_work)
    calls: tuple[str, ...]  # the methods called in what it returns (``return x.name()``)


def _method_facts(function: ast.FunctionDef | ast.AsyncFunctionDef) -> _MethodFacts:
    """One walk: the attribute names a method uses tell both facts (a ``.save``/``.objects``
    that is not a call only makes the member count as database work, which loses a report)."""
    attributes = {node.attr for node in ast.walk(function) if isinstance(node, ast.Attribute)}
    calls = {
        node.func.attr
        for returned in walk_scope(function)
        if isinstance(returned, ast.Return) and returned.value is not None
        for node in ast.walk(returned.value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    return _MethodFacts(
        loads=not attributes.isdisjoint(LOADING_METHODS),
        database_work="objects" in attributes or not attributes.isdisjoint(WRITE_METHODS),
        calls=tuple(sorted(calls)),
    )


def _member(function: ast.FunctionDef | ast.AsyncFunctionDef) -> RawMember:
    is_property = any(
        last_part(dotted_name(d)) in _PROPERTY_DECORATORS for d in function.decorator_list
    )
    seen: dict[tuple[tuple[str, ...], bool], None] = {}
    for access in collect_accesses(_default_path(function), frozenset({"self"})):
        seen[(access.path, access.called)] = None
    return RawMember(function.name, is_property, tuple(seen))


def _default_path(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    """The body as a call without arguments runs it (the N+1 analysis follows only such
    calls): a branch on a parameter whose default rules it out (``if not all:`` for
    ``all=True``) is left out."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = [
        *zip(
            positional[len(positional) - len(arguments.defaults) :],
            arguments.defaults,
            strict=True,
        ),
        *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True),
    ]
    defaults = {
        argument.arg: bool(default.value)
        for argument, default in pairs
        if isinstance(default, ast.Constant)
    }
    return list(_taken(function.body, defaults)) if defaults else function.body


def _taken(stmts: list[ast.stmt], defaults: Mapping[str, bool]) -> Iterator[ast.stmt]:
    for stmt in stmts:
        truth = _truth(stmt.test, defaults) if isinstance(stmt, ast.If) else None
        if truth is None:
            yield stmt
        else:
            assert isinstance(stmt, ast.If)
            yield from _taken(stmt.body if truth else stmt.orelse, defaults)


def _truth(test: ast.expr, defaults: Mapping[str, bool]) -> bool | None:
    if isinstance(test, ast.Name):
        return defaults.get(test.id)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _truth(test.operand, defaults)
        return None if inner is None else not inner
    return None
