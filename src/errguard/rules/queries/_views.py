"""What ``self`` holds in models, class-based views and model admins, for the N+1 analysis.

In a model's methods ``self`` is one row: ``self.items.all()`` is a fresh query.

Django's and DRF's generic views build their rows from the class: ``queryset = ...`` or
``model = ...``, refined by ``get_queryset()``. Their methods read them back as
``self.get_queryset()``, ``self.object_list``, ``context["object_list"]`` and, in detail views,
``self.object`` / ``self.get_object()``. A model admin's actions receive the change list's
queryset, and its ``list_display`` methods run once per row of it, with the
``select_related()`` Django adds for ``list_select_related`` and for foreign keys shown in
``list_display``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace

from errguard.astutil import dotted_name, last_part
from errguard.project.models.index import ModelInfo
from errguard.rules.queries._bindings import Binding, Loaded, QuerySet, Row
from errguard.rules.queries._querysets import Resolver

Method = ast.FunctionDef | ast.AsyncFunctionDef


def method_bindings(module: ast.Module, resolver: Resolver) -> dict[int, dict[str, Binding]]:
    """For each method (by ``id``) of the module's classes, the names bound on entry."""
    registered = dict(_registered_admins(module, resolver))
    classes = {stmt.name: stmt for stmt in module.body if isinstance(stmt, ast.ClassDef)}
    found: dict[int, dict[str, Binding]] = {}
    for cls in module.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        env = class_bindings(lineage(cls, classes), resolver)
        model = resolver.models.get(f"{resolver.ctx.module}.{cls.name}")
        if model is not None and not model.abstract:
            env = {**env, "self": Row(model, from_caller=True)}  # a model method's own row
        admin_model = registered.get(cls.name)
        for method in cls.body:
            if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            action = _action_queryset(cls, method, admin_model) if admin_model else None
            if action is not None:
                found[id(method)] = {**env, action[0]: action[1]}
            elif env:
                found[id(method)] = env
    return found


def _attributes(cls: ast.ClassDef) -> dict[str, ast.expr]:
    return {
        target.id: stmt.value
        for stmt in cls.body
        if isinstance(stmt, ast.Assign)
        for target in stmt.targets
        if isinstance(target, ast.Name)
    }


def _method(cls: ast.ClassDef, name: str) -> Method | None:
    return next(
        (
            item
            for item in cls.body
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == name
        ),
        None,
    )


def lineage(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> list[ast.ClassDef]:
    """The class and its bases defined in the same module, in (depth-first) lookup order: a
    mixin's ``get_queryset()`` is the view's when the view does not override it."""
    order: list[ast.ClassDef] = []
    stack = [cls]
    while stack:
        current = stack.pop(0)
        if current in order:
            continue
        order.append(current)
        bases = [classes.get(dotted_name(base) or "") for base in current.bases]
        stack[:0] = [base for base in bases if base is not None and base is not current]
    return order


def class_bindings(ancestry: list[ast.ClassDef], resolver: Resolver) -> dict[str, Binding]:
    # A class's own attributes override its bases'.
    attributes = {
        name: value
        for ancestor in reversed(ancestry)
        for name, value in _attributes(ancestor).items()
    }
    base: QuerySet | None = None
    if "queryset" in attributes:
        base = resolver.queryset(attributes["queryset"], {})
    elif "model" in attributes:
        model = resolver.model_class(attributes["model"], {})
        base = QuerySet(model, Loaded(), attributes["model"]) if model is not None else None
    env: dict[str, Binding] = {}
    if base is not None:
        base = replace(base, anchor=None)  # a fix would have to edit the class attribute
        env["self.queryset"] = base
        env["super().get_queryset"] = base
    # Each get_queryset() of the ancestry refines the next one's (``super().get_queryset()``),
    # the last one the class attribute's.
    queryset = base
    for method in reversed([m for c in ancestry if (m := _method(c, "get_queryset"))]):
        above = {**env, "super().get_queryset": queryset} if queryset is not None else {}
        below = {k: v for k, v in env.items() if k != "super().get_queryset"}
        queryset = resolver.returned_queryset(method, above or below)
    if queryset is None or queryset.rows != "instances":
        return env
    queryset = replace(queryset, anchor=None)
    env["self.get_queryset"] = queryset
    env["self.object_list"] = queryset
    env["self.object"] = Row(queryset.model)
    env["self.get_object"] = Row(queryset.model)
    return env


def list_view(
    cls: ast.ClassDef, module: ast.Module, resolver: Resolver
) -> tuple[QuerySet, str, tuple[str, ...]] | None:
    """A generic list view's rows, its template's name and the context names of the rows.

    Django's ``MultipleObjectTemplateResponseMixin`` names the template
    ``<app_label>/<model_name>_list.html`` unless ``template_name`` says otherwise, and
    ``MultipleObjectMixin`` puts the rows in the context as ``object_list`` and as
    ``context_object_name`` (``<model_name>_list`` by default).
    """
    classes = {stmt.name: stmt for stmt in module.body if isinstance(stmt, ast.ClassDef)}
    ancestry = lineage(cls, classes)
    if not _lists(ancestry) or _abstract(cls):
        return None
    if not _VIEW_ATTRIBUTES & _defined(cls) and any(
        _lists(lineage(b, classes)) for b in ancestry[1:]
    ):
        return None  # the view of a base class in this module, with another mixin: said there
    rows = class_bindings(ancestry, resolver).get("self.object_list")
    if not isinstance(rows, QuerySet):
        return None
    attributes = {n: v for c in reversed(ancestry) for n, v in _attributes(c).items()}
    model_name = rows.model.name.lower()
    suffix = _string(attributes.get("template_name_suffix")) or "_list"
    template = _string(attributes.get("template_name"))
    if "template_name" in attributes and template is None:
        return None  # computed: which template is not known
    name = _string(attributes.get("context_object_name")) or f"{model_name}_list"
    return (
        rows,
        template or f"{rows.model.app_label}/{model_name}{suffix}.html",
        (
            "object_list",
            name,
        ),
    )


_VIEW_ATTRIBUTES = frozenset(
    {"queryset", "model", "get_queryset", "template_name", "context_object_name"}
)


def _lists(lineage: list[ast.ClassDef]) -> bool:
    bases = (last_part(dotted_name(base)) for c in lineage for base in c.bases)
    return any(name.endswith("ListView") and name != "BaseListView" for name in bases)


def _defined(cls: ast.ClassDef) -> set[str]:
    methods = {m.name for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return methods | set(_attributes(cls))


def _abstract(cls: ast.ClassDef) -> bool:
    """A base for other views: a method of it only raises ``NotImplementedError``."""
    for method in cls.body:
        if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = [s for s in method.body if not isinstance(s, ast.Expr)]  # docstrings
            if len(body) == 1 and isinstance(body[0], ast.Raise) and body[0].exc is not None:
                raised = body[0].exc
                target = raised.func if isinstance(raised, ast.Call) else raised
                if last_part(dotted_name(target)) == "NotImplementedError":
                    return True
    return False


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _registered_admins(module: ast.Module, resolver: Resolver) -> Iterator[tuple[str, ModelInfo]]:
    """(admin class name, model) for ``@admin.register(M)`` and ``admin.site.register(M, A)``."""
    for stmt in module.body:
        if isinstance(stmt, ast.ClassDef):
            for decorator in stmt.decorator_list:
                call = _register_call(decorator)
                if call is not None and len(call.args) == 1:
                    model = resolver.model_class(call.args[0], {})
                    if model is not None:
                        yield stmt.name, model
        elif (
            isinstance(stmt, ast.Expr)
            and (call := _register_call(stmt.value)) is not None
            and len(call.args) == 2
            and isinstance(call.args[1], ast.Name)
        ):
            model = resolver.model_class(call.args[0], {})
            if model is not None:
                yield call.args[1].id, model


def _register_call(node: ast.expr) -> ast.Call | None:
    if isinstance(node, ast.Call) and last_part(dotted_name(node.func)) == "register":
        return node
    return None


def _action_queryset(
    cls: ast.ClassDef, method: Method, model: ModelInfo
) -> tuple[str, QuerySet] | None:
    """The ``queryset`` parameter of an admin action (``def act(self, request, queryset)``)."""
    parameters = [*method.args.posonlyargs, *method.args.args]
    if len(parameters) != 3 or parameters[0].arg != "self" or not _is_action(cls, method):
        return None
    # What a computed change list loads is not followed: opaque, so EG101 reads nothing of
    # its rows, which are still the table's (EG102).
    loaded = _change_list_loaded(cls, model) or Loaded(opaque=True)
    parameter = parameters[2]
    origin = ast.copy_location(ast.Name(parameter.arg, ast.Load()), parameter)
    return parameter.arg, QuerySet(model, loaded, origin)


def _change_list_loaded(cls: ast.ClassDef, model: ModelInfo) -> Loaded | None:
    """What the change list's rows hold: Django's ``select_related()`` for
    ``list_select_related`` or for foreign keys in ``list_display``; None when the admin
    computes it (``get_queryset()``, a dynamic setting)."""
    if _method(cls, "get_queryset") is not None:
        return None  # what it adds is not followed here
    attributes = _attributes(cls)
    setting = attributes.get("list_select_related")
    if isinstance(setting, ast.Constant) and setting.value is True:
        return Loaded(select_all=True)
    if isinstance(setting, (ast.List, ast.Tuple)):
        names = [e.value for e in setting.elts if isinstance(e, ast.Constant)]
        return Loaded(select=frozenset(str(n) for n in names))
    if setting is not None and not isinstance(setting, ast.Constant):
        return None  # computed: unknown
    if _shows_foreign_keys(attributes.get("list_display"), model):
        return Loaded(select_all=True)  # Django adds select_related() for them
    return Loaded()


def display_rows(module: ast.Module, resolver: Resolver) -> dict[int, tuple[str, QuerySet]]:
    """Methods a registered admin lists in ``list_display`` (``def customer(self, obj)``): Django
    calls each once per row of the change list. By ``id``: the row parameter and the rows,
    whose ``origin`` is the ``list_display`` value."""
    found: dict[int, tuple[str, QuerySet]] = {}
    admins = dict(_registered_admins(module, resolver))
    for cls in module.body:
        model = admins.get(cls.name) if isinstance(cls, ast.ClassDef) else None
        if model is None or not isinstance(cls, ast.ClassDef):
            continue
        display = _attributes(cls).get("list_display")
        loaded = _change_list_loaded(cls, model)
        if not isinstance(display, (ast.List, ast.Tuple)) or loaded is None:
            continue
        listed = {e.value for e in display.elts if isinstance(e, ast.Constant)}
        for method in cls.body:
            if not isinstance(method, ast.FunctionDef) or method.name not in listed:
                continue
            parameters = [*method.args.posonlyargs, *method.args.args]
            if len(parameters) == 2 and parameters[0].arg == "self":
                found[id(method)] = (parameters[1].arg, QuerySet(model, loaded, display))
    return found


def _is_action(cls: ast.ClassDef, method: Method) -> bool:
    if any(last_part(dotted_name(_callee(d))) == "action" for d in method.decorator_list):
        return True
    listed = _attributes(cls).get("actions")
    return isinstance(listed, (ast.List, ast.Tuple)) and any(
        (isinstance(e, ast.Constant) and e.value == method.name)
        or (isinstance(e, ast.Name) and e.id == method.name)
        for e in listed.elts
    )


def _callee(node: ast.expr) -> ast.expr:
    return node.func if isinstance(node, ast.Call) else node


def _shows_foreign_keys(display: ast.expr | None, model: ModelInfo) -> bool:
    if not isinstance(display, (ast.List, ast.Tuple)):
        return False
    names = {e.value for e in display.elts if isinstance(e, ast.Constant)}
    return any(
        isinstance(name, str)
        and (relation := model.relations.get(name)) is not None
        and relation.kind in ("fk", "o2o")
        for name in names
    )
