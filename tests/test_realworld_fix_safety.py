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
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    original = (
        "def load(raw):\n    try:\n        return int(raw)\n    except:\n        return None\n"
    )
    (root / "load.py").write_text(original)
    completed = subprocess.run(
        [sys.executable, str(REALWORLD / "fix_safety.py"), "--cache", str(tmp_path / "cache"),
         "--manifest", str(tmp_path / "manifest.toml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "| demo | 1 | 1 | 0 | 0 | 0 | 0 |" in completed.stdout
    assert (root / "load.py").read_text() == original
