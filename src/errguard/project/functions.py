"""The project's functions and methods by qualified name, read from source on demand.

A rule that follows a call into another module (EG101 following a loop's row into the
functions it is handed to) needs that module's definitions and imports, not its import-time
behaviour: each module is parsed once, the first time a call reaches it, and never imported.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from errguard.astutil import collect_imports, parse_or_none
from errguard.project.modules import module_name, resolve_relative
from errguard.project.reads import record

Function = ast.FunctionDef | ast.AsyncFunctionDef
DefinitionT = TypeVar("DefinitionT", ast.FunctionDef | ast.AsyncFunctionDef, ast.ClassDef)
# ``from a import f`` in a package's ``__init__`` re-exports f: followed this many times.
_REEXPORT_HOPS = 3


@dataclass
class ModuleDefinitions:
    """One module's top-level functions, classes' methods and imports."""

    name: str
    functions: dict[str, Function] = field(default_factory=dict)
    methods: dict[str, dict[str, Function]] = field(default_factory=dict)  # class -> name -> def
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    is_package: bool = False  # an ``__init__``: its relative imports start from itself
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified name

    @classmethod
    def of(cls, tree: ast.Module, name: str, *, is_package: bool) -> ModuleDefinitions:
        found = cls(name, is_package=is_package)
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.functions[stmt.name] = stmt
            elif isinstance(stmt, ast.ClassDef):
                found.classes[stmt.name] = stmt
                found.methods[stmt.name] = {
                    item.name: item
                    for item in stmt.body
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                }
        found.imports = {
            local: resolve_relative(target, name, is_package=is_package)
            for local, target in collect_imports(tree.body).items()
        }
        return found

    def qualify(self, node: ast.expr, local: Mapping[str, str] | None = None) -> str | None:
        """The qualified name a called expression denotes here: ``f``, ``module.f``.
        ``local``: imports of the function the expression is in, which shadow the module's."""
        imports = {**self.imports, **local} if local else self.imports
        if isinstance(node, ast.Name):
            if node.id in self.functions and node.id not in (local or {}):
                return f"{self.name}.{node.id}"
            if node.id in self.classes and node.id not in (local or {}):
                return f"{self.name}.{node.id}"
            return imports.get(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            base = imports.get(node.value.id)
            return f"{base}.{node.attr}" if base else None
        return None


class FunctionIndex:
    """Definitions by module, each module parsed once and only when asked for."""

    def __init__(self, sources: Mapping[Path, bytes], src: Sequence[Path]) -> None:
        self._sources = sources
        self._src = tuple(src)
        self._paths: dict[str, Path] | None = None
        self._modules: dict[str, ModuleDefinitions | None] = {}
        # What rules learn of a function once and reuse from every file (keyed by the rule).
        self.summaries: dict[tuple[object, ...], object] = {}

    def module(self, name: str) -> ModuleDefinitions | None:
        record("module", name)
        if name not in self._modules:
            self._modules[name] = self._read(name)
        return self._modules[name]

    def function(self, qualified: str) -> tuple[ModuleDefinitions, Function] | None:
        """The project function a qualified name denotes, through package re-exports."""
        return self._definition(qualified, lambda module: module.functions)

    def class_def(self, qualified: str) -> tuple[ModuleDefinitions, ast.ClassDef] | None:
        """The project class a qualified name denotes, through package re-exports."""
        return self._definition(qualified, lambda module: module.classes)

    def _definition(
        self, qualified: str, table: Callable[[ModuleDefinitions], Mapping[str, DefinitionT]]
    ) -> tuple[ModuleDefinitions, DefinitionT] | None:
        for _ in range(_REEXPORT_HOPS):
            module_part, _, name = qualified.rpartition(".")
            module = self.module(module_part) if module_part else None
            if module is None:
                return None
            if name in table(module):
                return module, table(module)[name]
            following = module.imports.get(name)
            if following is None or following == qualified:
                return None
            qualified = following
        return None

    def callee(
        self,
        module: ModuleDefinitions,
        func: ast.expr,
        cls: str | None,
        local: Mapping[str, str] | None = None,
    ) -> tuple[ModuleDefinitions, Function, str | None] | None:
        """The project function or sibling method (``self.name`` in class ``cls``) a call in
        ``module`` runs, with the class whose method it is; ``local``: the calling function's
        own imports."""
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "self"
            and cls is not None
        ):
            sibling = module.methods.get(cls, {}).get(func.attr)
            return (module, sibling, cls) if sibling is not None else None
        qualified = module.qualify(func, local)
        if qualified is None:
            return None
        owner, _, name = qualified.rpartition(".")
        if owner == module.name:
            here = module.functions.get(name)
            return (module, here, None) if here is not None else None
        found = self.function(qualified)
        return (found[0], found[1], None) if found is not None else None

    def method(self, module: str, cls: str, name: str) -> tuple[ModuleDefinitions, Function] | None:
        found = self.module(module)
        if found is None:
            return None
        method = found.methods.get(cls, {}).get(name)
        return (found, method) if method is not None else None

    def _read(self, name: str) -> ModuleDefinitions | None:
        if self._paths is None:
            # Names only: no file is parsed until a call reaches it.
            self._paths = {module_name(path, self._src): path for path in self._sources}
        path = self._paths.get(name)
        if path is None:
            return None
        tree = parse_or_none(self._sources[path])
        if tree is None:
            return None
        return ModuleDefinitions.of(tree, name, is_package=path.name == "__init__.py")
