"""The modules a configured Django application has imported before any of its code runs.

``django.setup()`` imports the settings, then every installed app's package, its ``apps``
module and its ``models`` module (in ``INSTALLED_APPS`` order), then runs each
``AppConfig.ready()``. Everything those import at import time is loaded too. An import cycle
among these modules is entered in that one order on every start. So in a project that
configures Django itself (a module defines ``INSTALLED_APPS``), such a cycle crashes only if
start-up itself crashes, whatever the order of ``INSTALLED_APPS`` (every module start-up enters
it through fails); otherwise the module a crash would need imported first has always been
imported already. A reusable app is different: its users' settings decide
what is imported first (another app's ``models`` may import any of its modules), so there every
cycle still counts.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from pathlib import Path

from errguard.project.imports.facts import DEFERRED, IMPORT_TIME
from errguard.project.imports.graph import ImportGraph, edge_targets

_SETTINGS = re.compile(rb"^INSTALLED_APPS\s*[+]?=", re.MULTILINE)
_MODEL_PARTS = frozenset({"models", "apps"})
_FOR_TESTS_OR_TEMPLATES = re.compile(r"^tests?$|^test_|_tests?$|^testing$|template|example|sample")


def setup_roots(graph: ImportGraph) -> frozenset[str]:
    """What ``django.setup()`` imports first in this project; empty unless it configures Django."""
    settings = [name for name in graph.modules if _defines_installed_apps(graph, name)]
    if not settings:
        return frozenset()
    roots = set(settings)
    for name in graph.modules:
        parts = name.split(".")
        if _MODEL_PARTS & set(parts) and _imports_django(graph, name):
            roots.add(name)
            if parts[-1] == "apps":
                roots.update(_deferred_targets(graph, name))  # what ready() imports
    return frozenset(roots)


def setup_entries(
    graph: ImportGraph,
    component: Collection[str],
    reaching: Collection[str],
    roots: Collection[str],
) -> list[str]:
    """The modules ``django.setup()`` imports that reach ``component`` at import time.

    ``reaching`` holds every module that may reach the component, so the walks stay in it.
    """
    return [
        root
        for root in sorted(reaching)
        if root in roots and _reaches(graph, root, component, reaching)
    ]


def _reaches(
    graph: ImportGraph, start: str, component: Collection[str], reaching: Collection[str]
) -> bool:
    pending, seen = [start], {start}
    while pending:
        module = pending.pop()
        if module in component:
            return True
        for edge in graph.edges(module):
            if edge.target in reaching and edge.target not in seen:
                seen.add(edge.target)
                pending.append(edge.target)
    return False


def _defines_installed_apps(graph: ImportGraph, module: str) -> bool:
    """A settings module of the project itself: not the settings its tests run with, nor a
    project template or an example for users to copy (their copies decide the order)."""
    parts = Path(graph.modules[module].relative).with_suffix("").parts
    if "settings" not in module or any(_FOR_TESTS_OR_TEMPLATES.search(part) for part in parts):
        return False
    data = graph.source(module)
    return data is not None and _SETTINGS.search(data) is not None


def _imports_django(graph: ImportGraph, module: str) -> bool:
    return any(
        statement.module == "django" or statement.module.startswith("django.")
        for statement in graph.facts(module).statements
        if statement.kind == IMPORT_TIME
    )


def _deferred_targets(graph: ImportGraph, module: str) -> Iterable[str]:
    for statement in graph.facts(module).statements:
        if statement.kind == DEFERRED:
            yield from edge_targets(
                module, statement.module, statement.names, statement.is_from, graph.modules
            )
