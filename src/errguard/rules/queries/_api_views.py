"""DRF list endpoints: a view class's rows and the serializer that shows each of them.

A list endpoint is a class whose ancestry has ``ListAPIView``, ``ListCreateAPIView``,
``ModelViewSet``, ``ReadOnlyModelViewSet`` or ``ListModelMixin``. Its rows are its
``queryset`` attribute or what its ``get_queryset()`` returns (``_views.class_bindings``), its
serializer its ``serializer_class``. A class that decides either per request, in a method this
module cannot read (``get_serializer_class()``, ``list()``, ``get_serializer()``, a base class
in another module overriding ``get_queryset()``), is not an endpoint errguard can judge.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from errguard.astutil import dotted_name, last_part, qualified_name
from errguard.detect.context import FileContext
from errguard.project.functions import ModuleDefinitions
from errguard.rules.queries._bindings import QuerySet
from errguard.rules.queries._querysets import Resolver
from errguard.rules.queries._serializers import Serializer, read_serializer
from errguard.rules.queries._views import class_bindings, lineage

_LIST_BASES = frozenset(
    {
        "ListAPIView",
        "ListCreateAPIView",
        "ModelViewSet",
        "ReadOnlyModelViewSet",
        "ListModelMixin",
    }
)
# Methods that choose the rows, the serializer or how a list is shown, per request.
_DECIDING = frozenset(
    {"get_queryset", "get_serializer_class", "get_serializer", "list", "filter_queryset"}
)
_MAX_DEPTH = 6


@dataclass(frozen=True)
class Endpoint:
    rows: QuerySet
    serializer: Serializer
    serializer_path: str  # the serializer's module, for messages
    statement: ast.Assign  # ``serializer_class = ...``
    queryset: ast.expr | None  # the ``queryset = ...`` value a fix may edit, if it may


def list_endpoint(cls: ast.ClassDef, ctx: FileContext, resolver: Resolver) -> Endpoint | None:
    classes = {s.name: s for s in ctx.tree.body if isinstance(s, ast.ClassDef)}
    ancestry = lineage(cls, classes)
    if not _lists(ancestry, ctx) or _decides_elsewhere(ancestry, ctx):
        return None
    statement = _assignment(cls, "serializer_class")
    if statement is None:
        return None  # a subclass only adds permissions: judged where it is set
    rows = class_bindings(ancestry, resolver).get("self.get_queryset")
    if not isinstance(rows, QuerySet) or rows.loaded.opaque or rows.bound is not None:
        return None
    found = _serializer(statement.value, ctx)
    if found is None or found[0].model.key != rows.model.key:
        return None
    serializer, where = found
    own = _assignment(cls, "queryset")
    plain = own is not None and not any(
        m.name == "get_queryset" for c in ancestry for m in _methods(c)
    )
    return Endpoint(rows, serializer, where, statement, own.value if own and plain else None)


def _lists(ancestry: list[ast.ClassDef], ctx: FileContext) -> bool:
    return any(
        last_part(qualified_name(base, ctx.imports)) in _LIST_BASES
        for c in ancestry
        for base in c.bases
    )


def _decides_elsewhere(ancestry: list[ast.ClassDef], ctx: FileContext) -> bool:
    """A method deciding rows or serializer per request, other than a readable
    ``get_queryset()`` of this module; bases in other modules of the project are read too."""
    if any(m.name in _DECIDING - {"get_queryset"} for c in ancestry for m in _methods(c)):
        return True
    local = {c.name for c in ancestry}
    stack = [
        (qualified_name(base, ctx.imports), 0)
        for c in ancestry
        for base in c.bases
        if dotted_name(base) not in local
    ]
    while stack:
        name, depth = stack.pop()
        found = ctx.project.functions.class_def(name) if name else None
        if found is None:
            continue  # Django's, DRF's or another package's class
        module, cls = found
        if depth > _MAX_DEPTH or any(m.name in _DECIDING for m in _methods(cls)):
            return True
        stack.extend((_base_name(b, module), depth + 1) for b in cls.bases)
    return False


def _base_name(base: ast.expr, module: ModuleDefinitions) -> str:
    """A base class's qualified name, as the module defining the subclass spells it."""
    if isinstance(base, ast.Name) and base.id in module.classes:
        return f"{module.name}.{base.id}"
    return qualified_name(base, module.imports) or ""


def _serializer(node: ast.expr, ctx: FileContext) -> tuple[Serializer, str] | None:
    if isinstance(node, ast.Name) and node.id not in ctx.imports:
        cls = next(
            (s for s in ctx.tree.body if isinstance(s, ast.ClassDef) and s.name == node.id), None
        )
        if cls is None:
            return None
        found = read_serializer(cls, ctx.imports, ctx.module, ctx.models)
        return (found, ctx.path) if found is not None else None
    name = qualified_name(node, ctx.imports)
    definition = ctx.project.functions.class_def(name) if name else None
    if definition is None:
        return None
    module, cls = definition
    found = read_serializer(cls, module.imports, module.name, ctx.models)
    return (found, module.name) if found is not None else None


def _assignment(cls: ast.ClassDef, name: str) -> ast.Assign | None:
    return next(
        (
            s
            for s in cls.body
            if isinstance(s, ast.Assign)
            and len(s.targets) == 1
            and isinstance(s.targets[0], ast.Name)
            and s.targets[0].id == name
        ),
        None,
    )


def _methods(cls: ast.ClassDef) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
