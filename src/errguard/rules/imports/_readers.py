"""Other modules that read a name from a module: a fix that removes the name breaks them.

Moving ``from .b import helper`` out of module ``a`` (under ``if TYPE_CHECKING:`` or into the
functions that use it) removes ``a.helper`` at run time; ``from a import helper`` elsewhere then
raises ImportError, and ``a.helper`` raises AttributeError.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from errguard.project.imports.graph import ImportGraph


def reader_of(graph: ImportGraph, module: str, names: Iterable[str]) -> str | None:
    """The first other project module that may read one of ``names`` from ``module``."""
    wanted = frozenset(names)
    if not wanted:
        return None
    attribute = re.compile(rb"\.(?:%s)\b" % b"|".join(re.escape(n.encode()) for n in wanted))
    for other in sorted(graph.modules):
        # The byte scan over-approximates every module's imports: only those can read the name.
        if other == module or module not in graph.scanned.get(other, ()):
            continue
        for statement in graph.facts(other).statements:
            if statement.is_from and statement.module == module:
                if "*" in statement.names or wanted & set(statement.names):
                    return other
            elif _binds_module(statement.module, statement.names, statement.is_from, module):
                # ``import a`` (or ``from pkg import a``) reads a.<name> anywhere: any
                # attribute spelled like the name counts.
                source = graph.source(other)
                if source is None or attribute.search(source):
                    return other
    return None


def _binds_module(imported: str, names: tuple[str, ...], is_from: bool, module: str) -> bool:
    if not is_from:
        return imported == module or module.startswith(f"{imported}.")
    return any(f"{imported}.{name}" == module for name in names)
