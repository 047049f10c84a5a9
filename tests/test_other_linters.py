"""A check the project's flake8, ruff or pylint configuration skips everywhere stays off."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import run_cli

BARE = "try:\n    x()\nexcept:\n    log.error('e')\n"
SWALLOW = "try:\n    x()\nexcept Exception:\n    pass\n"


@pytest.fixture
def repo(project):
    """A repository (the walk up for other linters' configuration stops at its root)."""
    (project / ".git").mkdir()
    (project / "app").mkdir()
    (project / "app" / "bare.py").write_text(BARE)
    (project / "app" / "swallow.py").write_text(SWALLOW)
    return project


def _codes(result):
    return sorted(line.split()[1] for line in result.out.splitlines() if ": EG" in line)


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("setup.cfg", "[flake8]\nignore = W503,\n  E722  # bare excepts are fine here\n",
         "setup.cfg [flake8] ignore lists E722"),
        ("tox.ini", "[flake8]\nextend-ignore = E7\n", "tox.ini [flake8] extend-ignore lists E7"),
        (".flake8", "[flake8]\nextend_ignore = E722,W605\n",
         ".flake8 [flake8] extend_ignore lists E722"),
        ("pyproject.toml", '[tool.ruff.lint]\nignore = ["E722"]\n',
         "pyproject.toml ruff lint.ignore lists E722"),
        ("pyproject.toml", '[tool.ruff]\nextend-ignore = ["E"]\n',
         "pyproject.toml ruff extend-ignore lists E"),
        ("ruff.toml", '[lint]\nextend-ignore = ["E722"]\n',
         "ruff.toml ruff lint.extend-ignore lists E722"),
        (".pylintrc", "[MESSAGES CONTROL]\ndisable=missing-docstring,\n  bare-except\n",
         ".pylintrc [MESSAGES CONTROL] disable lists bare-except"),
        ("pyproject.toml", '[tool.pylint."messages control"]\ndisable = ["W0702"]\n',
         "pyproject.toml [tool.pylint.'messages control'] disable lists W0702"),
    ],
)  # fmt: skip
def test_a_project_that_ignores_e722_gets_no_eg401(repo, name, text, where):
    (repo / name).write_text(text)
    result = run_cli("check", "app")
    assert _codes(result) == ["EG402"]
    assert f"errguard: note: EG401 is off: {where}, the same check" in result.err


@pytest.mark.parametrize(
    "text",
    [
        "[flake8]\nignore = E501,W503\n",
        "[flake8]\nselect = E722\n",
        "[pycodestyle]\nignore = E722\n",
        "[MESSAGES CONTROL]\ndisable=broad-except\n",
        "[flake8\nignore = E722\n",  # not an ini file flake8 could read either
    ],
)
def test_other_ignores_and_unreadable_files_leave_eg401_on(repo, text):
    (repo / "setup.cfg").write_text(text)
    result = run_cli("check", "app")
    assert _codes(result) == ["EG401", "EG402"]
    assert "is off" not in result.err


@pytest.mark.parametrize(
    "config",
    ['[tool.errguard]\nextend-select = ["EG401"]\n', '[tool.errguard]\nselect = ["EG401"]\n'],
)
def test_a_rule_selected_by_its_full_code_still_runs(repo, config):
    (repo / "setup.cfg").write_text("[flake8]\nignore = E722\n")
    (repo / "pyproject.toml").write_text(config)
    result = run_cli("check", "app")
    assert "EG401" in _codes(result)
    assert "is off" not in result.err
    (repo / "pyproject.toml").unlink()
    assert "EG401" in _codes(run_cli("check", "--extend-select", "EG401", "app"))


def test_no_note_for_a_rule_the_run_does_not_select(repo):
    (repo / "setup.cfg").write_text("[flake8]\nignore = E722\n")
    result = run_cli("check", "--select", "EG402", "app")
    assert _codes(result) == ["EG402"]
    assert "is off" not in result.err


def test_the_nearest_configuration_of_each_linter_counts(repo):
    (repo / "setup.cfg").write_text("[flake8]\nignore = E722\n")
    (repo / "app" / "tox.ini").write_text("[flake8]\nignore = E501\n")
    assert _codes(run_cli("check", "app")) == ["EG401", "EG402"]
    (repo / "app" / "tox.ini").write_text("[tox]\nenvlist = py311\n")  # configures no flake8
    assert _codes(run_cli("check", "app")) == ["EG402"]


def test_configuration_above_the_repository_root_is_not_read(project):
    (project / "setup.cfg").write_text("[flake8]\nignore = E722\n")
    inner = project / "checkout"
    (inner / ".git").mkdir(parents=True)
    (inner / "bare.py").write_text(BARE)
    assert _codes(run_cli("check", str(inner))) == ["EG401"]


def test_flake8_plugin_follows_the_flake8_configuration(repo):
    pytest.importorskip("flake8")
    (repo / "setup.cfg").write_text("[flake8]\nextend-ignore = E722\n")
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "EG", "app"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "EG402" in completed.stdout
    assert "EG401" not in completed.stdout
