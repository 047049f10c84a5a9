"""The import graph (module names, edges, their kinds), its cycles, determinism and speed."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from errguard.config import load_config
from errguard.project import Project, project_for
from errguard.project.imports.facts import DEFERRED, IMPORT_TIME, TYPE_CHECKING_ONLY, extract
from errguard.project.imports.graph import edge_targets
from errguard.project.imports.scan import scan_imports
from errguard.project.modules import module_name
from errguard.registry import known_rules
from tests.conftest import run_cli, run_subprocess
from tests.rules.imports.import_cycles_cases import generate, write_cases


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def targets(project: Project, module: str) -> set[tuple[str, int]]:
    return {(edge.target, edge.line) for edge in project.imports.edges(module)}


def test_edges_follow_python_import_semantics(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": "",
            "shop/__init__.py": "from .models import Book\n",
            "shop/models.py": """\
                import shop.util.text as text
                from . import views
                from .util import helper
                from shop import VERSION
                import billing.api
                """,
            "shop/views.py": "",
            "shop/util/__init__.py": "",
            "shop/util/text.py": "",
            "billing/__init__.py": "",
            "billing/api.py": "",
        },
    )
    project = Project(tmp_path)
    assert targets(project, "shop") == {("shop.models", 1)}
    assert targets(project, "shop.models") == {
        ("shop.util", 1),  # importing shop.util.text runs shop/util/__init__ first
        ("shop.util.text", 1),
        ("shop.views", 2),  # `from . import views`: the submodule, not the running package
        ("shop.util", 3),  # `from .util import helper`: helper is a name of shop.util
        ("shop", 4),  # a name of the package itself
        ("billing", 5),
        ("billing.api", 5),
    }


def test_src_layout_from_configuration(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.errguard]\nsrc = ["src"]\n',
            "src/app/__init__.py": "",
            "src/app/a.py": "from app.b import B\nA = 1\n",
            "src/app/b.py": "from app.a import A\nB = 1\n",
        },
    )
    config = load_config(tmp_path / "pyproject.toml", known_rules())
    project = project_for(tmp_path / "src/app/a.py", config)
    assert set(project.imports.modules) >= {"app", "app.a", "app.b"}
    assert targets(project, "app.a") == {("app.b", 1)}
    assert {f.module for f in project.import_cycles.all()} == {"app.a", "app.b"}


def test_statements_are_classified_by_when_they_run():
    source = textwrap.dedent(
        """\
        from typing import TYPE_CHECKING
        import app.a
        if TYPE_CHECKING:
            import app.b
        else:
            import app.c
        try:
            from app import d
        except ImportError:
            from app import e
        class Holder:
            import app.f
        def load():
            import app.g
        """
    )
    facts = extract(ast.parse(source), "app.main", is_package=False)
    kinds = {
        s.module + "." + "".join(s.names): (s.kind, s.catches, s.conditional)
        for s in facts.statements
    }
    assert kinds["app.a."] == (IMPORT_TIME, (), False)
    assert kinds["app.b."] == (TYPE_CHECKING_ONLY, (), False)
    assert kinds["app.c."] == (IMPORT_TIME, (), False)
    assert kinds["app.d"] == (IMPORT_TIME, ("ImportError",), False)
    assert kinds["app.e"] == (IMPORT_TIME, (), True)
    assert kinds["app.f."] == (IMPORT_TIME, (), False)
    assert kinds["app.g."] == (DEFERRED, (), False)


def test_cycles_only_through_deferred_or_type_checking_imports_are_not_reported(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": "",
            "app/__init__.py": "",
            "app/a.py": "def f():\n    from app.b import B\n\nA = 1\n",
            "app/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from app.a import A\nB = 1\n",
            "app/c.py": "import app.d\n",
            "app/d.py": "import app.c\n",
        },
    )
    found = {(f.code, f.module) for f in Project(tmp_path).import_cycles.all()}
    assert found == {("EG502", "app.c"), ("EG502", "app.d")}


def test_scan_finds_every_import_the_parser_finds():
    """The byte scan must over-approximate: a missed import could hide a cycle."""
    import django

    root = Path(django.__file__).parent.parent
    files = sorted(Path(django.__file__).parent.rglob("*.py"))
    for path in files:
        data = path.read_bytes()
        module = module_name(path, (root,))
        is_package = path.name == "__init__.py"
        scanned = scan_imports(data, module, is_package=is_package)
        facts = extract(ast.parse(data), module, is_package=is_package)
        for statement in facts.statements:
            assert any(
                target == statement.module and set(statement.names) <= set(names)
                for target, names, is_from in scanned
                if is_from == statement.is_from
            ), (path, statement)


def test_edge_targets_of_a_package_importing_itself():
    known = {"app", "app.sub"}
    assert edge_targets("app", "app", ("sub",), True, known) == ["app.sub"]
    assert edge_targets("app", "app", ("NAME",), True, known) == ["app"]
    assert edge_targets("app", "app", (), False, known) == []


def _generated_project(root: Path, count: int) -> None:
    write_cases(root, generate(count, seed=7))
    files = list(root.rglob("*.py"))
    assert len(files) >= 64, "enough files for the CLI to use worker processes"


def test_results_are_identical_across_runs_and_worker_counts(tmp_path):
    _generated_project(tmp_path, 40)
    outputs = [
        run_subprocess(
            "check", "--format", "json", "--select", "EG501", "--extend-select", "EG502",
            "--jobs", jobs, ".", cwd=tmp_path,
        )
        for jobs in ("1", "2", "2")
    ]  # fmt: skip
    for output in outputs:
        assert output.code == 1, output.err
    findings = [json.loads(output.out) for output in outputs]
    assert len({f["code"] for f in findings[0]}) == 2
    assert findings[0] == findings[1] == findings[2]


def _ring_of_models(root: Path, size: int) -> None:
    """One package of ``size`` model modules, each importing the next: a cycle that crashes."""
    (root / "pyproject.toml").write_text("")
    package = root / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for index in range(size):
        following = (index + 1) % size
        (package / f"m{index:02}.py").write_text(
            "from django.db import models\n"
            f"from shop.m{following:02} import Model{following:02}\n\n\n"
            f"class Model{index:02}(models.Model):\n"
            "    name = models.CharField(max_length=10)\n"
            f"    other = models.ForeignKey(Model{following:02}, on_delete=models.CASCADE)\n\n\n"
            "def report():\n"
            f"    return [row.other.name for row in Model{index:02}.objects.all()]\n"
        )


def test_a_cold_cache_gives_the_same_findings_with_one_and_two_workers(tmp_path):
    # Enough model files and cycle members that a cold run parses them in worker processes.
    _ring_of_models(tmp_path, 70)
    outputs = []
    for jobs in ("1", "2"):
        shutil.rmtree(tmp_path / ".errguard_cache", ignore_errors=True)
        result = run_subprocess("check", "--format", "json", "--jobs", jobs, ".", cwd=tmp_path)
        assert result.code == 1, result.err
        outputs.append(json.loads(result.out))
    assert outputs[0] == outputs[1]
    codes = [finding["code"] for finding in outputs[0]]
    assert codes.count("EG101") == 70
    assert codes.count("EG501") == 70


def test_the_flake8_plugin_reports_the_same_cycles_from_the_cached_graph(tmp_path):
    pytest.importorskip("flake8")
    write_cases(tmp_path, generate(6, seed=7))
    cli = run_subprocess("check", "--select", "EG501", "--format", "concise", ".", cwd=tmp_path)
    caches = list(tmp_path.glob("*/.errguard_cache/imports.json"))
    assert caches, "the graph's per-file facts are cached by content"
    entries = json.loads(caches[0].read_text())["files"]
    assert entries
    assert all("digest" in e and "facts" in e for e in entries.values())
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "EG", "."],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    from_flake8 = sorted(line.removeprefix("./") for line in completed.stdout.splitlines())
    assert from_flake8
    assert from_flake8 == sorted(cli.out.splitlines())


def _django_copy(destination: Path) -> Path:
    import django

    source = Path(django.__file__).parent
    for path in source.rglob("*.py"):
        target = destination / "django" / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return destination


def test_graph_for_djangos_source_is_the_same_cold_and_cached(tmp_path):
    # How long this takes is measured by bench/bench_check.py, not asserted here.
    root = _django_copy(tmp_path)
    cold = list(Project(root).import_cycles.all())
    cached = Project(root)

    assert len(cached.imports.modules) > 800
    assert any(finding.code == "EG501" for finding in cold)
    assert list(cached.import_cycles.all()) == cold


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_noqa_on_the_import_line_suppresses_that_edge(tmp_path, jobs):
    write(
        tmp_path,
        {
            "pyproject.toml": "",
            "app/__init__.py": "",
            "app/a.py": "from app.b import B  # noqa: EG501\nA = 1\n",
            "app/b.py": "from app.a import A\nB = 1\n",
        },
    )
    result = run_subprocess("check", "--select", "EG501", "--jobs", jobs, ".", cwd=tmp_path)
    assert result.out.count("EG501") == 1
    assert "app/b.py:1:1: EG501" in result.out


def test_package_trees_side_by_side_are_separate_namespaces(tmp_path):
    # One marked root holding two unrelated package trees that both define ``shop``: Python
    # could never import both, so each tree is analysed on its own and neither hides the other.
    crashing = {
        "shop/__init__.py": "",
        "shop/models.py": "from shop.signals import on_save\n\n\nclass Order:\n    pass\n",
        "shop/signals.py": "from shop.models import Order\n\n\ndef on_save():\n    return Order\n",
    }
    harmless = {
        "shop/__init__.py": "",
        "shop/models.py": "class Order:\n    pass\n",
        "shop/signals.py": "from shop.models import Order\n",
    }
    (tmp_path / "pyproject.toml").write_text("")
    for tree, files in (("service_a", crashing), ("service_b", harmless)):
        for name, source in files.items():
            path = tmp_path / tree / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(source)
    result = run_subprocess("check", "--select", "EG501", "--format", "json", ".", cwd=tmp_path)
    found = sorted(finding["path"] for finding in json.loads(result.out))
    assert found == ["service_a/shop/models.py", "service_a/shop/signals.py"], result.err


NESTED_CYCLES = {
    "pyproject.toml": "[project]\nname = 'nested'\n",
    "pkg/__init__.py": "",
    "pkg/stages.py": "from pkg.flows import run_flow\n\n\nclass LoginStage:\n    pass\n",
    "pkg/flows/__init__.py": "from pkg.flows import first, second\n\n\ndef run_flow():\n"
    "    return first.start(), second.start()\n",
    **{
        f"pkg/flows/{name}.py": "from pkg.stages import LoginStage\n\n\ndef start():\n"
        "    return LoginStage()\n"
        for name in ("first", "second")
    },
}


def _write_tree(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)


def _import_each_first(root: Path) -> list[str]:
    """Import each module first in a fresh interpreter; the errors that happen."""
    errors = []
    for module in ("pkg.stages", "pkg.flows", "pkg.flows.first", "pkg.flows.second"):
        completed = subprocess.run(
            [sys.executable, "-c", f"import {module}"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode:
            errors.append(f"{module}: {completed.stderr.strip().splitlines()[-1]}")
    return errors


def test_fix_cuts_the_cycle_a_first_cut_exposes_in_the_same_run(tmp_path, monkeypatch):
    """Cutting first -> stages makes stages-first crash in second instead: one run cuts both."""
    _write_tree(tmp_path, NESTED_CYCLES)
    assert _import_each_first(tmp_path), "the tree crashes before the fix"
    monkeypatch.chdir(tmp_path)

    result = run_cli("fix", "--unsafe-fixes", "--select", "EG501", ".")
    assert result.code == 0, result.out + result.err
    assert "Fixed 2 findings in 2 files; 0 remaining." in result.err

    after = {path: (tmp_path / path).read_text() for path in NESTED_CYCLES}
    again = run_cli("fix", "--unsafe-fixes", "--select", "EG501", ".")
    assert again.code == 0
    assert "Fixed 0 findings" in again.err
    assert {path: (tmp_path / path).read_text() for path in NESTED_CYCLES} == after
    assert _import_each_first(tmp_path) == []
