"""Querysets inside one function: which model, what is already loaded, where a fix could go.

``Book.objects.filter(...).select_related("author")`` becomes a :class:`QuerySet` of Book with
``author`` loaded. Expressions are followed through chain methods, local variables, same-module
helper functions and related managers of instances (``author.books.all()``). Anything that
cannot be seen exactly (a dynamic ``select_related(*fields)``, an unknown custom method that
changes loading) makes the state *opaque*, and opaque querysets are never reported on.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from errguard.astutil import dotted_name, last_part, qualified_name, walk_scope
from errguard.project.models.index import ModelIndex, ModelInfo, Relation
from errguard.rules._shared.models import inferred_model
from errguard.rules.queries._bindings import (
    ROW_SHORTCUTS,
    Binding,
    ContextDict,
    FixAnchor,
    Instance,
    Loaded,
    ModelClass,
    QuerySet,
    Row,
    merge_bindings,
    union,
    with_prefixes,
)
from errguard.rules.queries._confined import confines

if TYPE_CHECKING:
    from errguard.detect.context import FileContext

# Methods that return a queryset of the same model and leave loading alone.
PLAIN_CHAIN = frozenset(
    {
        "all",
        "filter",
        "exclude",
        "order_by",
        "distinct",
        "reverse",
        "using",
        "annotate",
        "alias",
        "extra",
        "complex_filter",
        "select_for_update",
        "iterator",
        "none",
    }
)
SINGLE_RESULT = frozenset({"get", "first", "last", "earliest", "latest"})
NOT_INSTANCES = {"values": "dicts", "values_list": "tuples", "dates": "dates", "datetimes": "dates"}
# Chains a select_related/prefetch_related cannot be safely added to.
_UNFIXABLE = frozenset({"union", "intersection", "difference", "raw", "extra", "select_for_update"})
_RESOLVER = "queries:resolver"
LIST_BUILDERS = frozenset({"list", "tuple", "sorted", "reversed", "set"})
# Django's QuerySet methods that return no queryset: instances, a count, or nothing (a project
# overriding one, like a manager's own bulk_create, does not make its result a queryset).
_NO_QUERYSET = frozenset(
    {
        "bulk_create",
        "bulk_update",
        "create",
        "get_or_create",
        "update_or_create",
        "update",
        "delete",
        "count",
        "exists",
        "aggregate",
        "in_bulk",
        "contains",
        "explain",
    }
)


class Resolver:
    """Turns expressions of one function into querysets, instances and model classes."""

    def __init__(self, ctx: FileContext, helpers: Mapping[str, ast.FunctionDef]) -> None:
        self.ctx = ctx
        self.models: ModelIndex = ctx.models
        self.helpers = helpers
        self._helper_memo: dict[str, QuerySet | None] = {}

    def user_model(self) -> ModelClass | None:
        """What ``get_user_model()`` returns, as far as the index knows."""
        user = self.models.by_label(self.models.auth_user_model)
        return ModelClass(user) if user is not None else None

    def model_class(self, node: ast.expr, env: Mapping[str, Binding]) -> ModelInfo | None:
        if isinstance(node, ast.Name):
            bound = env.get(node.id)
            if isinstance(bound, ModelClass):
                return bound.model
            if node.id in env:
                return None
            local = self.models.get(f"{self.ctx.module}.{node.id}")
            if local is not None:
                return local
        name = qualified_name(node, self.ctx.imports)
        return self.models.get(name) if name and "." in name else None

    def queryset(self, node: ast.expr, env: Mapping[str, Binding]) -> QuerySet | None:
        """The queryset (or list of instances) ``node`` evaluates to, if known."""
        if isinstance(node, ast.Name):
            bound = env.get(node.id)
            return bound if isinstance(bound, QuerySet) else None
        # self.object_list, self.get_queryset(), super().get_queryset(): a view's queryset.
        bound = env.get(env_key(node))
        if isinstance(bound, QuerySet):
            return replace(bound, origin=node)
        if isinstance(node, ast.Subscript):
            return self._context_list(node, env) or self._slice(node, env)
        if isinstance(node, ast.Attribute):
            return self._manager(node, env)
        if isinstance(node, ast.Call):
            return self._call(node, env)
        return None

    def row(self, node: ast.expr, env: Mapping[str, Binding]) -> Row | None:
        """The single row ``node`` fetches: ``<queryset>.get/first/last/...()``,
        ``get_object_or_404(M or queryset, ...)``, or a bound ``self.object``."""
        key = env_key(node)
        bound = env.get(key)
        if isinstance(bound, Row):
            return bound
        if key in ("request.user", "self.request.user"):
            user = self.user_model()  # the signed-in user of a view
            return Row(user.model) if user is not None else None
        if isinstance(node, ast.Attribute):
            # campaign.mailing_list: the row a foreign key or one-to-one of a row points to.
            owner = self.row(node.value, env)
            relation = owner.model.relations.get(node.attr) if owner is not None else None
            target = self.models.models.get(relation.target or "") if relation else None
            if owner is None or target is None or relation is None or not relation.single:
                return None
            return Row(target, from_caller=owner.from_caller)
        if not isinstance(node, ast.Call):
            return None
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in SINGLE_RESULT:
            base = self.queryset(func.value, env)
            return Row(base.model) if base is not None and base.rows == "instances" else None
        if last_part(dotted_name(func)) in ROW_SHORTCUTS and node.args:
            base = self.shortcut_queryset(node.args[0], env)
            return Row(base.model) if base is not None else None
        return None

    def parameter_row(self, argument: ast.arg) -> Row | None:
        """A parameter that holds one row: annotated with a model (``order: Order``), or
        named after one (``pick_order`` for ``PickOrder``)."""
        annotation = argument.annotation
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            annotation = ast.Name(annotation.value, ast.Load())  # a forward reference
        if annotation is not None:
            model = self.model_class(annotation, {})
        else:
            model = self.models.named_like(argument.arg)
        return Row(model, from_caller=True) if model is not None else None

    def shortcut_queryset(self, first: ast.expr, env: Mapping[str, Binding]) -> QuerySet | None:
        """What ``get_object_or_404(first, ...)`` queries: a model class or a queryset."""
        model = self.model_class(first, env)
        if model is not None:
            return QuerySet(model, Loaded(), first)
        return self.queryset(first, env)

    def _context_list(self, node: ast.Subscript, env: Mapping[str, Binding]) -> QuerySet | None:
        """``context["object_list"]`` of a list view's context."""
        if not (isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant)):
            return None
        bound = env.get(node.value.id)
        if isinstance(bound, ContextDict) and node.slice.value == "object_list":
            return replace(bound.object_list, origin=node)
        return None

    def _manager(self, node: ast.Attribute, env: Mapping[str, Binding]) -> QuerySet | None:
        model = self.model_class(node.value, env)
        if model is None and node.attr == "objects":
            model = self._inferred_model(node.value, env)
        if model is not None and model.is_manager(node.attr):
            anchor = FixAnchor(node, frozenset(), None, frozenset(), False)
            return QuerySet(model, Loaded(), node, anchor=anchor)
        if isinstance(node.value, ast.Name):
            owner = env.get(node.value.id)
            if isinstance(owner, Instance):
                return self._related_manager(owner, node)
        row = self.row(node.value, env)
        if row is not None:
            return self._row_manager(row, node)
        return None

    def _many_related(self, model: ModelInfo, attr: str) -> tuple[Relation, ModelInfo] | None:
        """The relation ``attr`` of ``model`` and its target, when it is a related manager."""
        relation = model.relations.get(attr)
        if relation is None or relation.single or relation.target is None:
            return None
        target = self.models.models.get(relation.target)
        return (relation, target) if target is not None else None

    def _row_manager(self, row: Row, node: ast.Attribute) -> QuerySet | None:
        """``event.tickets``: a fresh queryset of the related rows of one fetched row."""
        found = self._many_related(row.model, node.attr)
        if found is None:
            return None
        relation, target = found
        loaded = _knowing(Loaded(), relation.remote)
        if relation.remote:
            # Every row's parent is this one row: what is read through it is read once.
            loaded = replace(loaded, shared=frozenset({relation.remote}))
        if row.from_caller:
            return QuerySet(target, loaded, node, handed_in=node, confined=True)
        anchor = FixAnchor(node, frozenset(), None, frozenset(), False)
        return QuerySet(target, loaded, node, anchor=anchor, confined=True)

    def _inferred_model(self, node: ast.expr, env: Mapping[str, Binding]) -> ModelInfo | None:
        """An imported class used as a model (``Order.objects``) that the index cannot read:
        its module is outside the project or missing (a third-party app, a partial checkout)."""
        if (dotted_name(node) or "").partition(".")[0] in env:
            return None
        return inferred_model(node, self.ctx.imports, self.models)

    def _related_manager(self, owner: Instance, node: ast.Attribute) -> QuerySet | None:
        found = self._many_related(owner.model, node.attr)
        if found is None:
            return None
        relation, target = found
        prefix = "__".join((*owner.path, node.attr))
        return QuerySet(
            target,
            _knowing(owner.loaded.below(node.attr), relation.remote),
            node,
            prefix=f"{prefix}__",
            outer=owner.source,
            confined=True,
        )

    def _slice(self, node: ast.Subscript, env: Mapping[str, Binding]) -> QuerySet | None:
        base = self.queryset(node.value, env)
        if base is None or not isinstance(node.slice, ast.Slice):
            return None
        upper = node.slice.upper
        bound = (
            upper.value
            if isinstance(upper, ast.Constant) and isinstance(upper.value, int)
            else None
        )
        return replace(base, origin=node, bound=bound)

    def _call(self, node: ast.Call, env: Mapping[str, Binding]) -> QuerySet | None:
        func = node.func
        if isinstance(func, ast.Name):
            if func.id in LIST_BUILDERS and node.args:
                inner = self.queryset(node.args[0], env)
                return replace(inner, origin=node, materialized=True) if inner else None
            if func.id == "enumerate" and node.args:
                # ``for i, row in enumerate(qs)``: the loop takes the row from each pair.
                return self.queryset(node.args[0], env)
            if func.id in self.helpers:
                return self._helper(func.id)
            return None
        if not isinstance(func, ast.Attribute):
            return None
        rows = self._row_list(func, node, env)
        if rows is not None:
            return replace(rows, origin=node, materialized=True)
        base = self.queryset(func.value, env)
        if base is None:
            return None
        return self._chain(base, func.attr, node, env)

    def _row_list(
        self, func: ast.Attribute, node: ast.Call, env: Mapping[str, Binding]
    ) -> QuerySet | None:
        """Rows already fetched into a list or dict: ``qs.in_bulk(ids).values()`` and DRF's
        ``self.paginate_queryset(qs)``."""
        if func.attr == "paginate_queryset" and node.args:
            return self.queryset(node.args[0], env)
        receiver = func.value
        if (
            func.attr == "values"
            and not node.args
            and isinstance(receiver, ast.Call)
            and isinstance(receiver.func, ast.Attribute)
            and receiver.func.attr == "in_bulk"
        ):
            return self.queryset(receiver.func.value, env)
        return None

    def _chain(
        self, base: QuerySet, method: str, node: ast.Call, env: Mapping[str, Binding]
    ) -> QuerySet | None:
        loaded, anchor = base.loaded, base.anchor
        confined = base.confined or confines(
            base, method, node, self.models, lambda value: self.queryset(value, env)
        )
        if anchor is not None:
            # A fix appends to the chain, so it must end before iterator(), which returns no
            # queryset.
            end = anchor.node if method == "iterator" else node
            anchor = replace(anchor, node=end, methods=anchor.methods | {method})
        if method in NOT_INSTANCES:
            rows = NOT_INSTANCES[method]
            return replace(base, origin=node, rows=rows, anchor=anchor, confined=confined)
        if method == "select_related":
            loaded = self._select_related(loaded, node)
        elif method == "prefetch_related":
            loaded = self._prefetch_related(loaded, node, env)
        elif method in ("only", "defer"):
            loaded = self._deferral(loaded, method, node)
        elif method == "annotate":
            names = frozenset(k.arg for k in node.keywords if k.arg)
            loaded = replace(loaded, annotations=loaded.annotations | names)
        elif method == "filter":
            loaded = replace(loaded, select=loaded.select | _null_relations(base.model, node))
        elif method not in PLAIN_CHAIN:
            if (
                method in SINGLE_RESULT
                or method in _NO_QUERYSET
                or method not in self.models.known_methods
            ):
                return None  # a single object, a scalar, or a third-party method we cannot read
            if method in self.models.loading_methods:
                loaded = replace(loaded, opaque=True)
        if anchor is not None and method in ("select_related", "only", "defer"):
            anchor = replace(
                anchor, only=loaded.only, deferred=loaded.deferred, select_all=loaded.select_all
            )
        return replace(base, loaded=loaded, origin=node, anchor=anchor, confined=confined)

    @staticmethod
    def _strings(node: ast.Call) -> list[str] | None:
        values = []
        for argument in node.args:
            if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                return None
            values.append(argument.value)
        return values

    def _select_related(self, loaded: Loaded, node: ast.Call) -> Loaded:
        paths = self._strings(node)
        if paths is None or node.keywords:
            return replace(loaded, opaque=True)
        if not paths:
            return replace(loaded, select_all=True)
        return replace(loaded, select=loaded.select | with_prefixes(frozenset(paths)))

    def _prefetch_related(
        self, loaded: Loaded, node: ast.Call, env: Mapping[str, Binding]
    ) -> Loaded:
        paths: set[str] = set()
        to_attrs: set[str] = set(loaded.to_attrs)
        for argument in node.args:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                paths.add(argument.value)
            elif (
                isinstance(argument, ast.Call)
                and last_part(qualified_name(argument.func, self.ctx.imports)) == "Prefetch"
            ):
                lookup = argument.args[0] if argument.args else None
                to_attr = next((k.value for k in argument.keywords if k.arg == "to_attr"), None)
                if not (isinstance(lookup, ast.Constant) and isinstance(lookup.value, str)):
                    return replace(loaded, opaque=True)
                if isinstance(to_attr, ast.Constant) and isinstance(to_attr.value, str):
                    to_attrs.add(to_attr.value)
                else:
                    paths.add(lookup.value)
                    paths.update(self._prefetch_queryset_paths(lookup.value, argument, env))
            else:
                return replace(loaded, opaque=True)
        return replace(
            loaded,
            prefetch=loaded.prefetch | with_prefixes(frozenset(paths)),
            to_attrs=frozenset(to_attrs),
        )

    def _prefetch_queryset_paths(
        self, lookup: str, prefetch: ast.Call, env: Mapping[str, Binding]
    ) -> set[str]:
        """What ``Prefetch(lookup, queryset=...)`` loads on the prefetched rows, as lookups
        from the outer rows: ``queryset=Line.objects.select_related("item")`` loads
        ``lookup__item``."""
        positional = prefetch.args[1] if len(prefetch.args) > 1 else None
        queryset = next((k.value for k in prefetch.keywords if k.arg == "queryset"), positional)
        inner = self.queryset(queryset, env) if queryset is not None else None
        if inner is None or inner.loaded.opaque:
            return set()
        return {f"{lookup}__{path}" for path in inner.loaded.select | inner.loaded.prefetch}

    def _deferral(self, loaded: Loaded, method: str, node: ast.Call) -> Loaded:
        names = self._strings(node)
        if names is None:
            return replace(loaded, opaque=True)
        top = frozenset(name.split("__")[0] for name in names)
        if method == "only":
            return replace(loaded, only=top)
        return replace(loaded, deferred=loaded.deferred | top)

    def _helper(self, name: str) -> QuerySet | None:
        """A same-module function whose every ``return`` gives a queryset of one model."""
        if name in self._helper_memo:
            return self._helper_memo[name]
        self._helper_memo[name] = None  # recursion guard
        found = self.returned_queryset(self.helpers[name])
        self._helper_memo[name] = found
        return found

    def returned_queryset(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, env: Mapping[str, Binding] = {}
    ) -> QuerySet | None:
        """The queryset every ``return`` of ``function`` gives, built through local variables
        (``qs = M.objects.all(); if x: qs = qs.filter(...); return qs``), else None."""
        local = dict(env)
        assigned: set[str] = set()
        for node in sorted(walk_scope(function), key=_position):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                name = env_key(node.targets[0])  # ``qs``, or ``self.tag`` set for later
                if name:
                    value: Binding = self.queryset(node.value, local) or self.row(node.value, local)
                    previous = local.get(name) if name in assigned else value
                    local[name] = merge_bindings(previous, value)
                    assigned.add(name)
        results = [
            self.queryset(node.value, local)
            for node in walk_scope(function)
            if isinstance(node, ast.Return) and node.value is not None
        ]
        found = None
        if results and all(r is not None for r in results):
            first = results[0]
            assert first is not None
            if all(r is not None and r.model.key == first.model.key for r in results):
                loaded = first.loaded
                for other in results[1:]:
                    assert other is not None
                    loaded = union(loaded, other.loaded)
                found = replace(first, loaded=loaded, anchor=None)
        return found


def _null_relations(model: ModelInfo, call: ast.Call) -> frozenset[str]:
    """``filter(parent__isnull=True)`` or ``filter(parent=None)``: every row's foreign key
    ``parent`` is None, which Django answers without a query (as if it had been loaded)."""
    found = set()
    for keyword in call.keywords:
        value = keyword.value
        if keyword.arg is None or not isinstance(value, ast.Constant):
            continue
        name, _, lookup = keyword.arg.partition("__")
        relation = model.relations.get(name)
        if relation is None or relation.kind not in ("fk", "o2o"):
            continue
        if (lookup == "isnull" and value.value is True) or (not lookup and value.value is None):
            found.add(name)
    return frozenset(found)


def _knowing(loaded: Loaded, remote: str) -> Loaded:
    """Rows from ``parent.children`` know their parent: Django sets the foreign key back to
    it (known related objects), as a prefetch of the relation does."""
    return replace(loaded, select=loaded.select | {remote}) if remote else loaded


def file_resolver(ctx: FileContext) -> Resolver:
    """One resolver per file, shared by the rules and functions that ask (it memoises the
    module's helper functions)."""
    resolver = ctx.cache.get(_RESOLVER)
    if not isinstance(resolver, Resolver):
        helpers = {s.name: s for s in ctx.tree.body if isinstance(s, ast.FunctionDef)}
        resolver = ctx.cache[_RESOLVER] = Resolver(ctx, helpers)
    return resolver


def env_key(node: ast.AST) -> str:
    """How a function's environment names ``self.object`` or ``super().get_queryset``."""
    if isinstance(node, ast.Call):
        node = node.func
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Call)
        and dotted_name(node.value.func) == "super"
    ):
        return f"super().{node.attr}"
    return dotted_name(node) or ""


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
