"""Autofixes on libcst: the base class and context of the fixers, which live beside their rules
(``errguard/rules/<family>/fixes/<slug>.py``, one module per fixable rule, named like the rule's).

A fixer carries out what the detector decided (``Violation.fix_data``): it finds the nodes the
finding is about and returns replacements for them. The engine renders only the replaced nodes,
so comments and formatting elsewhere are untouched, and a file with thousands of findings costs
no more than one pass. Only files with fixable findings are parsed with libcst.
"""

from __future__ import annotations

import functools
import importlib
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, ClassVar, TypeAlias, TypeVar, cast

import libcst as cst
from libcst.metadata import (
    CodeRange,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    WhitespaceInclusivePositionProvider,
)

from errguard.models import Violation
from errguard.registry import fix_modules

NodeT = TypeVar("NodeT", bound=cst.CSTNode)
Replacement: TypeAlias = "cst.CSTNode | cst.FlattenSentinel[Any] | cst.RemovalSentinel"
Replacements: TypeAlias = "Mapping[cst.CSTNode, Replacement]"

_FIXERS: dict[str, type[Fixer]] = {}


class FixContext:
    """One parsed module with the metadata fixers need to find their nodes."""

    def __init__(self, module: cst.Module) -> None:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        metadata = wrapper.resolve_many(
            [PositionProvider, WhitespaceInclusivePositionProvider, ParentNodeProvider]
        )
        self.module = module
        self.positions = cast(Mapping[cst.CSTNode, CodeRange], metadata[PositionProvider])
        self.spans = cast(
            Mapping[cst.CSTNode, CodeRange], metadata[WhitespaceInclusivePositionProvider]
        )
        self.parents = cast(Mapping[cst.CSTNode, cst.CSTNode], metadata[ParentNodeProvider])
        self._by_start: defaultdict[tuple[int, int], list[cst.CSTNode]] = defaultdict(list)
        for node, code_range in self.positions.items():
            self._by_start[(code_range.start.line, code_range.start.column)].append(node)

    def find(self, node_type: type[NodeT], line: int, column: int) -> NodeT | None:
        """The ``node_type`` node starting at a finding's position (1-based line and column)."""
        for node in self._by_start.get((line, column - 1), ()):
            if isinstance(node, node_type):
                return node
        return None

    def find_span(
        self, node_type: type[NodeT], span: tuple[int, int, int, int] | list[int]
    ) -> NodeT | None:
        """The ``node_type`` node covering exactly ``span`` (1-based, as in ``ctx.span``)."""
        line, column, end_line, end_column = span
        for node in self._by_start.get((line, column - 1), ()):
            end = self.positions[node].end
            if isinstance(node, node_type) and (end.line, end.column) == (end_line, end_column - 1):
                return node
        return None

    def statement_at(self, line: int, column: int) -> cst.BaseStatement | None:
        """The statement starting at a 1-based position (an ``ast`` statement's start)."""
        for node in self._by_start.get((line, column - 1), ()):
            if isinstance(node, cst.BaseStatement):
                return node
        return None

    def statement_of(self, node: cst.CSTNode) -> cst.CSTNode:
        """The statement holding ``node`` (itself when it is one): its line sets the indentation."""
        current = node
        while not isinstance(current, (cst.BaseStatement, cst.Module)):
            parent = self.parents.get(current)
            if parent is None:
                return current
            current = parent
        return current


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

    def fix(self, context: FixContext, violation: Violation) -> Replacements | None:
        """Node replacements that fix this one violation, or None when it cannot be done safely."""
        raise NotImplementedError


@functools.cache
def load_fixers() -> dict[str, Fixer]:
    for name in fix_modules():
        importlib.import_module(name)
    return {code: fixer() for code, fixer in sorted(_FIXERS.items())}
