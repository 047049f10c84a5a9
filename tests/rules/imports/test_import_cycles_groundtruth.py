"""Ground truth for EG501: real imports in fresh interpreters decide which cycles crash.

Hundreds of generated packages (``tests/rules/imports/import_cycles_cases.py``: rings of two to four modules,
package ``__init__`` cycles, nested packages; every import form, place and import-time use) and
a few written by hand are imported module by module, each as the first import of a fresh
interpreter. EG501 must fire on a package exactly when one of its modules fails to import.
Then ``errguard fix`` (and ``--unsafe-fixes``) must make every package it changes import cleanly.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import run_cli
from tests.rules.imports.import_cycles_cases import generate, run_imports, write_cases

GENERATED = 500
HAND_WRITTEN = {
    # ``from . import b`` of a half-initialised submodule: Python falls back to sys.modules.
    "hand_submodules": {
        "pkg/__init__.py": "",
        "pkg/a.py": "from . import b\n\n\ndef f():\n    return b.g()\n",
        "pkg/b.py": "from . import a\n\n\ndef g():\n    return a.f\n",
    },
    # A name defined in both branches before the import: there whatever the branch.
    "hand_branches": {
        "pkg/__init__.py": "",
        "pkg/a.py": "import sys\n\nif sys.platform:\n    X = 1\nelse:\n    X = 2\n\n"
        "from pkg.b import Y\n",
        "pkg/b.py": "from pkg.a import X\n\nY = X\n",
    },
    # Module __getattr__ answers for names the source does not define: not reported.
    "hand_getattr": {
        "pkg/__init__.py": "",
        "pkg/a.py": "def __getattr__(name):\n    return 1\n\n\nfrom pkg.b import Y\n\nX = 1\n",
        "pkg/b.py": "from pkg.a import X\n\nY = X\n",
    },
    # A submodule needs a name the package re-exports, before the package has it.
    "hand_reexport": {
        "pkg/__init__.py": "from .a import A\nfrom .b import B\n",
        "pkg/a.py": "from pkg.b import B\n\nA = B\n",
        "pkg/b.py": "from pkg import A\n\nB = A\n",
    },
    # Only one entry order crashes: b defines what a needs before importing a.
    "hand_one_order": {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg.b import B\n\nA = 1\n",
        "pkg/b.py": "B = 1\n\nfrom pkg.a import A  # noqa: E402\n",
    },
    # The failing import is caught, but by `except ModuleNotFoundError`: it still crashes.
    "hand_wrong_except": {
        "pkg/__init__.py": "",
        "pkg/a.py": "try:\n    from pkg.b import B\nexcept ModuleNotFoundError:\n    B = None\n\nA = 1\n",
        "pkg/b.py": "from pkg.a import A\n\nB = 1\n",
    },
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("cycles")
    cases = {**generate(GENERATED), **HAND_WRITTEN}
    write_cases(root, cases)
    results = run_imports(root, cases)
    crashing = {name for name, modules in results.items() if any(modules.values())}
    return root, cases, crashing


def _findings(root, monkeypatch, *selection):
    monkeypatch.chdir(root)
    result = run_cli("check", "--format", "json", "--select", "EG501", *selection, ".")
    assert result.code in (0, 1), result.err
    return json.loads(result.out)


def _case(finding):
    return finding["path"].split("/", 1)[0]


def test_eg501_fires_exactly_on_the_packages_that_fail_to_import(corpus, monkeypatch):
    root, cases, crashing = corpus
    flagged = {_case(finding) for finding in _findings(root, monkeypatch)}
    true_positives = flagged & crashing
    false_positives, false_negatives = flagged - crashing, crashing - flagged
    print(
        f"\nEG501 ground truth: {len(cases)} packages, {len(crashing)} crash on import; "
        f"TP {len(true_positives)}, FP {len(false_positives)}, FN {len(false_negatives)}, "
        f"TN {len(set(cases) - crashing - flagged)}"
    )
    assert len(crashing) >= 100, "the corpus must keep its crashing packages"
    assert len(set(cases) - crashing) >= 200, "and its hard negatives"
    assert {"hand_reexport", "hand_one_order", "hand_wrong_except"} <= crashing
    assert false_positives == set(), sorted(false_positives)
    assert false_negatives == set(), sorted(false_negatives)


def test_every_module_of_a_crashing_cycle_is_reported_on_its_import(corpus, monkeypatch):
    root, _, _ = corpus
    for finding in _findings(root, monkeypatch):
        line = (root / finding["path"]).read_text().splitlines()[finding["line"] - 1]
        assert "import" in line, finding
        modules = finding["message"].split(": ", 1)[1].split(" (", 1)[0].split(" → ")
        module = finding["path"].split("/", 1)[1].removesuffix(".py").replace("/", ".")
        assert f"{module.removesuffix('.__init__')}:{finding['line']}" in modules


@pytest.mark.parametrize(("tier", "options"), [("safe", ()), ("unsafe", ("--unsafe-fixes",))])
def test_fixed_packages_import_cleanly(corpus, monkeypatch, tmp_path, tier, options):
    root, cases, crashing = corpus
    fixable = {
        _case(finding)
        for finding in _findings(root, monkeypatch)
        if finding["fix"] and finding["fix"]["applicability"] == tier
    }
    assert len(fixable) >= (10 if tier == "safe" else 5), fixable
    assert fixable <= crashing
    for name in fixable:
        shutil.copytree(root / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    result = run_cli("fix", "--select", "EG501", *options, ".")
    assert result.code in (0, 1), result.err
    after = run_imports(tmp_path, {name: cases[name] for name in fixable})
    still_failing = {name: modules for name, modules in after.items() if any(modules.values())}
    print(f"\n{tier} fix: {len(fixable)} crashing packages fixed, {len(still_failing)} still fail")
    assert still_failing == {}
    if tier == "safe":
        changed = [p.read_text() for name in fixable for p in (tmp_path / name).rglob("*.py")]
        assert any("if TYPE_CHECKING:\n    from" in text for text in changed)
