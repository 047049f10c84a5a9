"""bench/realworld/fix_safety.py: what it calls broken on a fixed copy, and a run on one project."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter

import pytest

from tests.conftest import REPO

REALWORLD = REPO / "bench" / "realworld"


@pytest.fixture
def fix_safety(monkeypatch):
    monkeypatch.syspath_prepend(str(REALWORLD))
    import fix_safety

    return fix_safety


def test_a_name_moved_under_type_checking_is_lost_for_its_importers(fix_safety):
    before = {
        "app.models": ast.parse("from app.money import Price\n\nclass Order:\n    pass\n"),
        "app.views": ast.parse("from app.models import Order, Price\n"),
    }
    after = dict(before)
    after["app.models"] = ast.parse(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from app.money import Price\n\nclass Order:\n    pass\n"
    )
    lost = fix_safety.lost_names(before, after)
    assert lost == ["app.views:1 imports Price from app.models, which no longer binds it"]


def test_a_module_that_can_bind_any_name_is_never_called_lossy(fix_safety):
    assert fix_safety.runtime_names(ast.parse("from x import *\n")) is None
    assert fix_safety.runtime_names(ast.parse("def __getattr__(name):\n    pass\n")) is None
    names = fix_safety.runtime_names(
        ast.parse("try:\n    import a\nexcept ImportError:\n    a = None\nfor i in []:\n    pass\n")
    )
    assert names == {"a", "i"}


def test_an_eg401_fix_that_leaves_the_handler_to_eg402_is_not_a_new_finding(fix_safety):
    before = Counter({("a.py", "EG401"): 2})
    after = Counter({("a.py", "EG402"): 1, ("b.py", "EG101"): 1})
    assert fix_safety.new_findings(before, after) == ["b.py EG101: 0 -> 1"]


def test_a_fixed_copy_of_a_project_is_checked_and_the_original_left_alone(tmp_path):
    (tmp_path / "manifest.toml").write_text(
        '[[project]]\nname = "demo"\nversion = "1.0"\nkind = "application"\n'
        'about = "a test project"\nfile = "demo-1.0-py3-none-any.whl"\nsha256 = "0"\n'
    )
    root = tmp_path / "cache" / "demo"
    (root / "demo").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    (root / "demo" / "__init__.py").write_text("")
    original = (
        "def load(raw):\n    try:\n        return int(raw)\n    except:\n        return None\n"
    )
    (root / "demo" / "load.py").write_text(original)
    completed = subprocess.run(
        [sys.executable, str(REALWORLD / "fix_safety.py"), "--cache", str(tmp_path / "cache"),
         "--manifest", str(tmp_path / "manifest.toml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    # Both modules of the package, the fixed one too, imported before and after the fix.
    assert "| demo | 1 | 1 | 0 | 0 | 0 | 0 | 2 | 2 | 2 | 0 | 0 | 1 |" in completed.stdout
    assert (root / "demo" / "load.py").read_text() == original
    assert sorted(p.name for p in root.rglob("*")) == ["__init__.py", "demo", "load.py",
                                                       "pyproject.toml"]  # fmt: skip


@pytest.fixture
def import_check(monkeypatch):
    monkeypatch.syspath_prepend(str(REALWORLD))
    import import_check

    return import_check


def write_tree(root, files):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_the_modules_tried_are_those_of_packages_that_a_program_does_not_run(
    import_check, tmp_path
):
    names = ["pyproject.toml", "top.py", "scripts/tool.py", "shop/__init__.py", "shop/apps.py",
             "shop/__main__.py", "shop/static/vendor/x.py", "shop/migrations/__init__.py",
             "shop/migrations/0001_initial.py", "shop/my-script.py", "shop/api/__init__.py",
             "shop/api/models.py", "shop/management/commands/sync.py"]  # fmt: skip
    root = write_tree(tmp_path / "project", dict.fromkeys(names, ""))
    modules = import_check.tree_modules(root)
    assert modules == ["shop", "shop.api", "shop.api.models", "shop.apps",
                       "shop.management.commands.sync", "shop.migrations",
                       "shop.migrations.0001_initial"]  # fmt: skip
    assert import_check.candidate_apps(modules) == ["shop", "shop.api"]


def test_only_a_module_that_imported_before_and_not_after_is_broken(import_check):
    before = import_check.TreeImports(results={"a": None, "b": None, "c": "ImportError: x"})
    after = import_check.TreeImports(results={"a": None, "b": "ImportError: y", "c": None})
    assert import_check.broken_imports(before, after) == ["b: ImportError: y"]


def test_a_name_a_fix_removed_breaks_the_import_of_its_importer_in_a_real_interpreter(
    import_check, tmp_path
):
    files = {"pyproject.toml": "", "shop/__init__.py": "", "shop/apps.py": "",
             "shop/models.py": "from django.db import models\n\n"
                               "class Item(models.Model):\n    pass\n",
             "shop/money.py": "import decimal\n\nPrice = decimal.Decimal\n",
             "shop/views.py": "from shop.money import Price, decimal\n"}  # fmt: skip
    original = write_tree(tmp_path / "original" / "shop-project", files)
    files["shop/money.py"] = "def price():\n    import decimal\n\n    return decimal.Decimal\n"
    fixed = write_tree(tmp_path / "fixed" / "shop-project", files)
    modules = import_check.tree_modules(original)
    before = import_check.import_tree(original, tmp_path, modules)
    after = import_check.import_tree(fixed, tmp_path, modules, before.apps)
    # The app's models module needs django.setup(): it imports because the app was found.
    assert before.apps == ["shop"]
    assert before.setup_error is None
    assert before.imported == set(modules)
    assert import_check.broken_imports(before, after) == [
        "shop.views: ImportError: cannot import name 'Price' from 'shop.money' "
        f"({tmp_path}/imported/shop-project/shop/money.py)"
    ]
    assert not list(original.rglob("__pycache__"))


def test_a_module_that_kills_or_hangs_the_interpreter_fails_alone(
    import_check, tmp_path, monkeypatch
):
    monkeypatch.setattr(import_check, "SECONDS", 1)
    files = {"pyproject.toml": "", "pkg/__init__.py": "", "pkg/a.py": "",
             "pkg/b.py": "import os\n\nos._exit(3)\n",
             "pkg/c.py": "import time\n\ntime.sleep(60)\n",
             "pkg/d.py": "import sys\n\nsys.exit(1)\n", "pkg/e.py": ""}  # fmt: skip
    root = write_tree(tmp_path / "project", files)
    outcome = import_check.import_tree(root, tmp_path, import_check.tree_modules(root))
    assert outcome.results == {
        "pkg": None, "pkg.a": None, "pkg.b": "the interpreter died or hung importing it",
        "pkg.c": "ImportTimeout: import took too long", "pkg.d": "SystemExit: 1", "pkg.e": None,
    }  # fmt: skip
