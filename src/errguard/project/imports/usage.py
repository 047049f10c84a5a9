"""Where a module reads each name: in annotations, inside functions, or at import time.

This decides how an import on a cycle may move (under ``if TYPE_CHECKING:``, into functions),
and it notices modules whose names can appear at run time (``__getattr__``, ``globals()``).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from typing import Any

from errguard.astutil import dotted_name

# How a bound name is used: where it is read decides how the import may move.
ANNOTATION, FUNCTION, RUNTIME = "annotation", "function", "import-time"
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Calls that let a module gain names its source does not spell out.
_DYNAMIC_CALLS = frozenset({"globals", "vars", "locals", "exec"})


def type_checking_test(test: ast.expr) -> bool | None:
    """True for ``if TYPE_CHECKING:`` (and ``if False:``), False for ``if not TYPE_CHECKING:``."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = type_checking_test(test.operand)
        return None if inner is None else not inner
    if isinstance(test, ast.Constant) and test.value is False:
        return True
    name = dotted_name(test)
    if name is not None and name.rsplit(".", 1)[-1] == "TYPE_CHECKING":
        return True
    return None


_SKIPPED_FIELDS = frozenset({"ctx", "op", "type_comment", "kind", "conversion", "level"})
Push = Callable[[tuple[ast.AST, str]], None]


@functools.cache
def _child_fields(node_type: type[ast.AST]) -> tuple[str, ...]:
    return tuple(name for name in node_type._fields if name not in _SKIPPED_FIELDS)


class Usage:
    """Where each module-level name is read, and whether the module's names can be dynamic.

    One iterative walk over the whole tree, dispatching on node type: it runs on every file
    that may be on a cycle, so it avoids ``ast.walk``'s generators.
    """

    def __init__(self, tree: ast.Module, future: bool) -> None:
        self.future = future
        self.contexts: dict[str, set[str]] = {}
        self.chains: dict[str, set[str]] = {}
        self.dynamic = False
        special: dict[type[ast.AST], Callable[[Any, str, Push], bool]] = {
            ast.FunctionDef: self._function,
            ast.AsyncFunctionDef: self._function,
            ast.Lambda: self._lambda,
            ast.AnnAssign: self._annotated,
            ast.If: self._if,
            ast.Attribute: self._attribute,
            ast.Call: self._call,
            ast.Assign: self._assign,
        }
        self._walk(tree, special)

    def _walk(self, tree: ast.Module, special: dict[type[ast.AST], Any]) -> None:
        stack: list[tuple[ast.AST, str]] = [(tree, RUNTIME)]
        push, pop, contexts = stack.append, stack.pop, self.contexts
        while stack:
            node, context = pop()
            kind = type(node)
            if kind is ast.Name:
                if type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                    contexts.setdefault(node.id, set()).add(context)  # type: ignore[attr-defined]
                continue
            handler = special.get(kind)
            if handler is not None and handler(node, context, push):
                continue
            for name in _child_fields(kind):  # type: ignore[arg-type]  # AST types hash fine
                value = getattr(node, name, None)
                if type(value) is list:
                    for item in value:
                        if isinstance(item, ast.AST):
                            push((item, context))
                elif isinstance(value, ast.AST):
                    push((value, context))

    def _function(self, node: ast.FunctionDef, context: str, push: Push) -> bool:
        self.dynamic |= node.name == "__getattr__" and context == RUNTIME
        arguments = node.args
        for expression in (*node.decorator_list, *arguments.defaults, *arguments.kw_defaults):
            if expression is not None:
                push((expression, context))
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
        for annotation in (*(arg.annotation for arg in every), node.returns):
            if annotation is not None:
                push((annotation, ANNOTATION))
        for statement in node.body:
            push((statement, FUNCTION))
        return True

    def _lambda(self, node: ast.Lambda, context: str, push: Push) -> bool:
        for default in (*node.args.defaults, *node.args.kw_defaults):
            if default is not None:
                push((default, context))
        push((node.body, FUNCTION))
        return True

    def _annotated(self, node: ast.AnnAssign, context: str, push: Push) -> bool:
        push((node.annotation, ANNOTATION))
        if node.value is not None:
            push((node.value, context))
        return True

    def _if(self, node: ast.If, context: str, push: Push) -> bool:
        checking = type_checking_test(node.test)
        if checking is None:
            return False
        for statement in node.body:
            push((statement, ANNOTATION if checking else context))
        for statement in node.orelse:
            push((statement, context if checking else ANNOTATION))
        return True

    def _attribute(self, node: ast.Attribute, _context: str, _push: Push) -> bool:
        name = dotted_name(node)
        if name is not None:
            self.chains.setdefault(name.split(".", 1)[0], set()).add(name)
            self.dynamic |= name == "sys.modules"
        return False

    def _call(self, node: ast.Call, _context: str, _push: Push) -> bool:
        function = node.func
        self.dynamic |= isinstance(function, ast.Name) and function.id in _DYNAMIC_CALLS
        return False

    def _assign(self, node: ast.Assign, context: str, _push: Push) -> bool:
        """Names listed in ``__all__`` are read by ``from m import *``: a run-time use."""
        if context == RUNTIME and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            for child in ast.walk(node.value):
                if isinstance(child, ast.Constant) and isinstance(child.value, str):
                    self.contexts.setdefault(child.value, set()).add(RUNTIME)
        return False
