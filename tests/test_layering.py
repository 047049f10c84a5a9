"""The layout of ``src/errguard``, read with ``ast``: no import cycle, rule families apart.

Every import counts, wherever it sits (inside a function, under ``if TYPE_CHECKING:``): a
lower module that names a higher one, even only for a type, ties them into one knot. ``from
pkg import sub`` naming a submodule is an edge to ``pkg.sub``; a name defined in ``pkg`` is
an edge to ``pkg`` itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from errguard.fixes import load_fixers
from errguard.project.imports.graph import cyclic_components
from errguard.registry import FIXES_PACKAGE, RULES_PACKAGE, load_rules

SRC = Path(__file__).resolve().parent.parent / "src"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted((SRC / "errguard").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = _modules()


def _known(name: str) -> str | None:
    """``name``, or the nearest enclosing module errguard has (``errguard.x.Y`` -> ``errguard.x``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> set[str]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found.update(_known(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in MODULES else _known(target))
    found.discard(None)
    found.discard(module)
    return {name for name in found if name is not None}


GRAPH = {module: _imports(module) for module in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import knots: errguard's own Tarjan, as EG501 runs it on a project's modules."""
    return cyclic_components(graph, {module: sorted(targets) for module, targets in graph.items()})


def _family(module: str) -> str | None:
    """The rule family a module belongs to (``errguard.rules.<family>...``), if any."""
    parts = module.split(".")
    if module.startswith(f"{RULES_PACKAGE}.") and len(parts) > 3 and not parts[2].startswith("_"):
        return parts[2]
    return None


def test_the_graph_sees_imports_of_every_kind():
    assert "errguard.registry" in GRAPH["errguard.cli.common"]
    # Inside a function, and a submodule named by ``from pkg import sub``.
    assert "errguard.fixer" in GRAPH["errguard.runner"]
    assert "errguard.faults.intercept" in GRAPH["errguard.faults.network"]
    # Only under ``if TYPE_CHECKING:``.
    assert "errguard.detect.context" in GRAPH["errguard.registry"]


def test_a_cycle_is_found():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_in_src():
    assert _cycles(GRAPH) == []


def test_no_rule_family_imports_another():
    crossings = [
        f"{module} imports {target}"
        for module, targets in sorted(GRAPH.items())
        if (family := _family(module)) is not None
        for target in sorted(targets)
        if target.startswith(f"{RULES_PACKAGE}.") and _family(target) not in (None, family)
    ]
    assert crossings == []


def test_shared_rule_helpers_import_no_family():
    shared = [module for module in GRAPH if module.startswith(f"{RULES_PACKAGE}._shared")]
    assert shared
    assert [(m, t) for m in shared for t in GRAPH[m] if _family(t) is not None] == []


@pytest.mark.parametrize(("code", "rule"), load_rules().items())
def test_rule_sits_in_a_family_folder(code, rule):
    parts = rule.__module__.split(".")
    if code.startswith("EG00"):  # about the file or its comments, not a kind of bug: no family
        assert len(parts) == 3, rule.__module__
        return
    assert len(parts) == 4, rule.__module__
    assert _family(rule.__module__) is not None
    assert MODULES[rule.__module__].parent.parent.name == "rules"


@pytest.mark.parametrize(("code", "fixer"), load_fixers().items())
def test_fix_sits_beside_its_rule(code, fixer):
    rule_module = load_rules()[code].__module__
    family, _, name = rule_module.rpartition(".")
    assert type(fixer).__module__ == f"{family}.{FIXES_PACKAGE}.{name}"


def test_every_fixable_rule_has_a_fixer():
    fixable = {code for code, rule in load_rules().items() if rule.fix is not None}
    assert fixable == set(load_fixers())


def test_no_pytest_plugin_module_imports_another():
    """plugin.py registers each public module of the package as a pytest plugin, in name order.
    One that imported another would import it before pytest registers it: pytest could then not
    rewrite that module's asserts and would warn about it (PytestAssertRewriteWarning) in every
    run of the user's suite. What they share lives in private (``_``) modules."""
    package = "errguard.pytest_plugin"
    plugins = {
        name
        for name in MODULES
        if name.startswith(f"{package}.") and not name.rpartition(".")[2].startswith("_")
    }
    assert {f"{package}.queries", f"{package}.plugin"} <= plugins
    crossing = {
        module: sorted(GRAPH[module] & plugins) for module in plugins if GRAPH[module] & plugins
    }
    assert crossing == {}
