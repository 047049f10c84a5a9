"""Autofixes: one module per fixable rule, named like the rule's module, on libcst.

A fixer carries out what the detector decided (``Violation.fix_data``) on the concrete syntax
tree, so comments and formatting outside the edited node are untouched. Only files with
fixable findings are ever parsed with libcst.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Mapping
from typing import ClassVar, TypeVar

import libcst as cst
from libcst.metadata import CodeRange

from errguard.models import Violation

Positions = Mapping[cst.CSTNode, CodeRange]
NodeT = TypeVar("NodeT", bound=cst.CSTNode)

_FIXERS: dict[str, type[Fixer]] = {}


class Fixer:
    """Base class: subclasses set ``code`` and implement :meth:`fix`."""

    code: ClassVar[str]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("code")
        if code is None:
            return
        if code in _FIXERS and _FIXERS[code].__module__ != cls.__module__:
            raise ValueError(f"two fixers for {code}: {_FIXERS[code].__module__}, {cls.__module__}")
        _FIXERS[code] = cls

    def fix(
        self, module: cst.Module, positions: Positions, violation: Violation
    ) -> cst.Module | None:
        """The module with this one violation fixed, or None when it cannot be done safely."""
        raise NotImplementedError


@functools.cache
def load_fixers() -> dict[str, Fixer]:
    package = importlib.import_module(__name__)
    for module in pkgutil.iter_modules(package.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return {code: fixer() for code, fixer in sorted(_FIXERS.items())}


def node_at(positions: Positions, node_type: type[NodeT], line: int, column: int) -> NodeT | None:
    """The ``node_type`` node starting at a finding's position (1-based line and column)."""
    for node, code_range in positions.items():
        start = code_range.start
        if start.line == line and start.column == column - 1 and isinstance(node, node_type):
            return node
    return None
