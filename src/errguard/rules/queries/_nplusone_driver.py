"""Runs the N+1 analysis once per function for both EG101 and EG102, and skips what cannot hit.

Only functions whose text names a model (a class from the index, a module holding models, a
``get_user_model()`` result, or a same-module helper that does) can iterate a queryset, so the
others are never analysed.
"""

from __future__ import annotations

import ast
import functools
from collections import ChainMap
from collections.abc import Mapping

from errguard.astutil import SCOPE_NODES, dotted_name, walk_scope
from errguard.detect.context import FileContext
from errguard.project.functions import ModuleDefinitions
from errguard.project.modules import runs_once_or_in_tests
from errguard.registry import Function
from errguard.rules.queries._bindings import Binding, QuerySet
from errguard.rules.queries._nplusone import FunctionAnalysis
from errguard.rules.queries._nplusone_calls import CallFollower
from errguard.rules.queries._querysets import Resolver
from errguard.rules.queries._views import display_rows, method_bindings

_CACHE_KEY = "nplusone"
# Every for loop and comprehension spells its keyword with one of these after it.
_LOOP_KEYWORDS = (b"for ", b"for(", b"for\t", b"for\\")
AnalysedNode = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef


class _FileFacts:
    """Per-file facts shared by every function's analysis."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.functions: dict[str, Function] = {
            stmt.name: stmt
            for stmt in ctx.tree.body
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        self.globals: dict[str, Binding] = {}
        self.names = self._model_names()

    @functools.cached_property
    def resolver(self) -> Resolver:
        helpers = {n: f for n, f in self.functions.items() if isinstance(f, ast.FunctionDef)}
        return Resolver(self.ctx, helpers)

    @functools.cached_property
    def follower(self) -> CallFollower:
        here = ModuleDefinitions.of(self.ctx.tree, self.ctx.module, is_package=self.ctx.is_package)
        return CallFollower(here, self.ctx.models, self.ctx.project.functions)

    @functools.cached_property
    def owners(self) -> dict[int, str]:
        """The class of each method of the file, for the calls it makes on ``self``."""
        return {
            id(method): cls
            for cls, methods in self.follower.here.methods.items()
            for method in methods.values()
        }

    def analysis(self, node: AnalysedNode, *, siblings: bool = True) -> FunctionAnalysis:
        """A fresh analysis of ``node``, with the calls it makes followed into the project."""
        functions: Mapping[str, Function] = self.functions
        owner = None
        if siblings and not isinstance(node, ast.Module):
            # A view, not a copy: every analysis of the file is kept, and a copy of the
            # module's functions per function would grow with the square of their number.
            functions = ChainMap(self.methods.get(id(node), {}), self.functions)
            owner = self.owners.get(id(node))
        return FunctionAnalysis(self.resolver, functions, follower=self.follower, owner=owner)

    @functools.cached_property
    def method_env(self) -> dict[int, dict[str, Binding]]:
        """What ``self`` (and an admin action's ``queryset``) holds in each method."""
        return method_bindings(self.ctx.tree, self.resolver)

    @functools.cached_property
    def display_rows(self) -> dict[int, tuple[str, QuerySet]]:
        """Admin ``list_display`` methods: their row parameter and the change list's rows."""
        return display_rows(self.ctx.tree, self.resolver)

    @functools.cached_property
    def command_arguments(self) -> dict[int, frozenset[str]]:
        """Parameters of management command methods that hold the command's own arguments."""
        found: dict[int, frozenset[str]] = {}
        for stmt in self.ctx.tree.body:
            if isinstance(stmt, ast.ClassDef) and _is_command(stmt):
                found.update(command_arguments(stmt))
        return found

    @functools.cached_property
    def methods(self) -> dict[int, dict[str, Function]]:
        """Each method's siblings, as ``self.<name>``: what it can call on itself."""
        methods: dict[int, dict[str, Function]] = {}
        for stmt in self.ctx.tree.body:
            if isinstance(stmt, ast.ClassDef):
                siblings = {
                    f"self.{item.name}": item
                    for item in stmt.body
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                }
                for item in siblings.values():
                    methods[id(item)] = siblings
        return methods

    def _model_names(self) -> tuple[bytes, ...]:
        models = self.ctx.models
        names = {
            local
            for local, target in self.ctx.imports.items()
            if target in models.model_modules or models.get(target) is not None
        }
        names |= {
            stmt.name
            for stmt in self.ctx.tree.body
            if isinstance(stmt, ast.ClassDef) and models.get(f"{self.ctx.module}.{stmt.name}")
        }
        for stmt in self.ctx.tree.body:
            if not (isinstance(stmt, ast.Assign) and _is_user_model(stmt.value)):
                continue
            user = self.resolver.user_model()
            if user is not None:
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        self.globals[target.id] = user
                        names.add(target.id)
        data = self.ctx.source.data
        if b".objects" in data:
            # Models the index cannot read, used through their default manager.
            names |= {
                local
                for local in self.ctx.imports
                if local[:1].isupper() and f"{local}.objects".encode() in data
            }
        if b"get_user_model" in data:
            names.add("get_user_model")  # User = get_user_model() inside a function
        encoded = tuple(name.encode() for name in names)
        # A helper that names a model may return a queryset: calling it counts as naming one.
        helpers = [name for name, f in self.functions.items() if self._mentions(f, encoded)]
        return encoded + tuple(name.encode() for name in helpers)

    def mentions_models(self, node: AnalysedNode) -> bool:
        if isinstance(node, ast.Module):
            return bool(self.names) and _has_loop(node)
        # A view's methods reach its rows through self, without naming a model.
        return self._mentions(node, self.names) or (
            bool(self.names) and id(node) in self.method_env
        )

    def _mentions(self, node: ast.stmt, names: tuple[bytes, ...]) -> bool:
        return bool(names) and self.ctx.mentions(node, names)


def _is_command(cls: ast.ClassDef) -> bool:
    """A management command class: ``Command(BaseCommand)`` or a project's base command."""
    names = [cls.name, *(dotted_name(base) or "" for base in cls.bases)]
    return any(name.endswith("Command") for name in names)


def command_arguments(cls: ast.ClassDef) -> dict[int, frozenset[str]]:
    """For each method of a command class, the parameters holding what the operator typed:
    ``*args`` and ``**options``, and parameters every call ``self.method(...)`` in the class
    fills from a caller's ``args``/``options`` (``self._content_types(args)``)."""
    methods = {
        item.name: item
        for item in cls.body
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    typed = {
        id(method): frozenset(
            a.arg for a in (method.args.vararg, method.args.kwarg) if a is not None
        )
        for method in methods.values()
    }
    passed: dict[str, dict[int, bool]] = {}  # method -> position -> always typed so far
    for caller in methods.values():
        for node in walk_scope(caller):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            callee = node.func.attr
            if dotted_name(node.func.value) != "self" or callee not in methods:
                continue
            positions = passed.setdefault(callee, {})
            for index, argument in enumerate(node.args):
                root = _root_name(argument)
                from_typed = root is not None and root in typed[id(caller)]
                positions[index] = positions.get(index, True) and from_typed
    for name, positions in passed.items():
        method = methods[name]
        parameters = [a.arg for a in (*method.args.posonlyargs, *method.args.args)][1:]
        extra = {parameters[i] for i, ok in positions.items() if ok and i < len(parameters)}
        typed[id(method)] = typed[id(method)] | extra
    return typed


def _root_name(node: ast.expr) -> str | None:
    """The name an expression reads from: ``options`` in ``options["names"].split(",")``."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript, ast.Starred)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _is_user_model(value: ast.expr) -> bool:
    """``get_user_model()`` (or ``auth.get_user_model()``)."""
    if not isinstance(value, ast.Call):
        return False
    return getattr(value.func, "id", getattr(value.func, "attr", "")) == "get_user_model"


def _has_loop(module: ast.Module) -> bool:
    """Module-level code with a loop or comprehension (a script, not only definitions)."""
    loops = (ast.For, ast.AsyncFor, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    return any(
        isinstance(node, loops)
        for stmt in module.body
        if not isinstance(stmt, SCOPE_NODES)
        for node in ast.walk(stmt)
    )


def analysis_for(ctx: FileContext, node: AnalysedNode) -> FunctionAnalysis | None:
    """The (cached) analysis of a function, or of a module's top-level code."""
    cache = ctx.cache.setdefault(_CACHE_KEY, {})
    assert isinstance(cache, dict)
    if id(node) in cache:
        found = cache[id(node)]
        return found if isinstance(found, FunctionAnalysis) else None
    displays = cache.get("list_display")
    if displays is None:
        displays = cache["list_display"] = b"list_display" in ctx.source.data  # once per file
    if not isinstance(node, ast.Module) and not displays and not ctx.mentions(node, _LOOP_KEYWORDS):
        cache[id(node)] = None  # no loop, no query per iteration (most functions)
        return None
    facts = cache.get("facts")
    if facts is None:
        facts = cache["facts"] = _FileFacts(ctx)
    assert isinstance(facts, _FileFacts)
    analysis = None
    if runs_once_or_in_tests(ctx.source.path, ctx.project.root):
        cache[id(node)] = analysis
        return analysis
    if isinstance(node, ast.Module):
        if facts.mentions_models(node):
            analysis = facts.analysis(node)
            body = [stmt for stmt in node.body if not isinstance(stmt, SCOPE_NODES)]
            analysis.run(body, (), facts.globals)
    else:
        arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        rows = {
            a.arg: row
            for a in arguments
            if a.arg not in ("self", "cls") and (row := facts.resolver.parameter_row(a))
        }
        if rows or facts.mentions_models(node):
            analysis = facts.analysis(node)
            params = [a.arg for a in arguments]
            params += [a.arg for a in (node.args.vararg, node.args.kwarg) if a is not None]
            # A management command's arguments: what a person typed, not data.
            typed = facts.command_arguments.get(id(node), frozenset())
            params = [p for p in params if p not in typed]
            env = {**facts.globals, **facts.method_env.get(id(node), {}), **rows}
            analysis.run(node.body, params, env)
        display = facts.display_rows.get(id(node)) if displays else None
        if display is not None:
            analysis = analysis or facts.analysis(node, siblings=False)
            analysis.run_per_row(node.body, *display)
    cache[id(node)] = analysis
    return analysis
