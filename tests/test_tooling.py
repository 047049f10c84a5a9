"""The repository's own tooling files are valid: pre-commit manifests, generated docs."""

from __future__ import annotations

import configparser
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from errguard.docs import generated_files, rule_markdown
from errguard.registry import load_rules
from tests.conftest import REPO, run_cli


def _needs(module):
    """The lint and type tools come with the dev extra (CI installs it); the test extra is lean."""
    return pytest.mark.skipif(
        importlib.util.find_spec(module) is None, reason=f"{module} is in the dev extra"
    )


def _pre_commit(*args):
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


@_needs("pre_commit")
def test_pre_commit_hook_manifest_is_valid():
    result = _pre_commit("validate-manifest", ".pre-commit-hooks.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "id: errguard-check" in manifest
    assert "id: errguard-fix" in manifest


@_needs("pre_commit")
def test_pre_commit_config_is_valid():
    result = _pre_commit("validate-config", ".pre-commit-config.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_rule_docs_are_fresh():
    directory = REPO / "docs" / "rules"
    stale = [
        name
        for name, content in generated_files().items()
        if not (directory / name).exists() or (directory / name).read_text() != content
    ]
    assert not stale, f"run `python -m errguard.docs` to regenerate: {stale}"


def test_explain_prints_the_generated_page():
    for code, rule in load_rules().items():
        assert run_cli("explain", code).out == rule_markdown(rule)


def _tool(*command):
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, check=False
    )


@_needs("ruff")
def test_ruff_lint_and_format_pass():
    lint = _tool("ruff", "check", "src", "tests", "bench")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatted = _tool("ruff", "format", "--check", "src", "tests", "bench")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


@_needs("mypy")
def test_mypy_strict_passes_on_src():
    result = _tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_the_readme_test_command():
    command = "pip install -e '.[test]' && pytest -n auto"
    assert command in (REPO / "README.md").read_text()
    assert command in (REPO / ".ci" / "run").read_text().splitlines()


def test_readme_lists_every_rule():
    readme = (REPO / "README.md").read_text()
    for code in load_rules():
        assert f"[{code}](docs/rules/{code}.md)" in readme


def _tox_setenv():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO / "tox.ini")
    pairs = {}
    for line in parser["testenv"]["setenv"].strip().splitlines():
        factor, _, assignment = line.partition(":")
        name, _, value = assignment.partition("=")
        pairs[factor.strip(), name.strip()] = value.strip()
    return parser, pairs


def test_each_django_env_is_constrained_to_the_django_it_names():
    parser, setenv = _tox_setenv()
    factors = set(re.findall(r"django(\d)(\d)", parser["tox"]["env_list"]))
    assert {("4", "2"), ("5", "2"), ("6", "0")} <= factors
    for major, minor in factors:
        factor = f"django{major}{minor}"
        assert setenv[factor, "ERRGUARD_EXPECT_DJANGO"] == f"{major}.{minor}"
        constraint = setenv[factor, "PIP_CONSTRAINT"].replace("{toxinidir}", str(REPO))
        pins = Path(constraint).read_text()
        assert f"Django>={major}.{minor},<" in pins


def test_ci_runs_the_oldest_and_the_newest_combination():
    parser, _ = _tox_setenv()
    envs = [env for env in parser["tox"]["env_list"].split() if env.startswith("py")]
    ci = (REPO / ".ci" / "run").read_text()
    assert f"{envs[0]},{envs[-1]}" in ci
    assert envs[0].startswith("py310-")
    assert envs[-1].startswith("py313-")
