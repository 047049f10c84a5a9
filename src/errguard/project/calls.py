"""Where the project calls a function or method by name, read from source.

A rule that judges a function by what its callers do (a row lock they hold around the call)
needs the calls in every module, not only the function's own. Calls are found by name:
``name(...)`` and ``<anything>.name(...)``. Which of them really reach a given function is
the asking rule's business (it knows the signature and what the receivers are).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from errguard.astutil import parse_or_none
from errguard.project.reads import record

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class CallSite:
    """One call, and the function whose body makes it (None: module or class level)."""

    path: Path
    call: ast.Call
    function: Function | None
    # The class whose method ``function`` is, when it is one.
    owner: ast.ClassDef | None


class CallIndex:
    """Call sites by called name, each file parsed once and only when it spells the name."""

    def __init__(self, sources: Mapping[Path, bytes]) -> None:
        self._sources = sources
        self._trees: dict[Path, ast.Module | None] = {}
        self._sites: dict[str, tuple[CallSite, ...]] = {}

    def sites(self, name: str) -> tuple[CallSite, ...]:
        record("calls", name)
        found = self._sites.get(name)
        if found is None:
            found = self._sites[name] = tuple(self._find(name))
        return found

    def _find(self, name: str) -> Iterator[CallSite]:
        spelled = f"{name}(".encode()
        for path, data in self._sources.items():
            if spelled not in data:
                continue
            if path not in self._trees:
                self._trees[path] = parse_or_none(data)
            tree = self._trees[path]
            if tree is not None:
                yield from _calls_named(path, tree, name)


def _calls_named(path: Path, tree: ast.Module, name: str) -> Iterator[CallSite]:
    stack: list[tuple[ast.AST, Function | None, ast.ClassDef | None, ast.ClassDef | None]] = [
        (tree, None, None, None)
    ]
    while stack:
        node, function, owner, enclosing_class = stack.pop()
        if isinstance(node, ast.Call) and _called(node) == name:
            yield CallSite(path, node, function, owner)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                stack.append((child, child, enclosing_class, None))
            elif isinstance(child, ast.ClassDef):
                stack.append((child, None, None, child))
            else:
                stack.append((child, function, owner, enclosing_class))


def _called(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None
