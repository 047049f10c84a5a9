"""The repository's own tooling files are valid: pre-commit manifests, generated docs."""

from __future__ import annotations

import subprocess
import sys

from errguard.docs import generated_files, rule_markdown
from errguard.registry import load_rules
from tests.conftest import REPO, run_cli


def _pre_commit(*args):
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def test_pre_commit_hook_manifest_is_valid():
    result = _pre_commit("validate-manifest", ".pre-commit-hooks.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "id: errguard-check" in manifest
    assert "id: errguard-fix" in manifest


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


def test_ruff_lint_and_format_pass():
    lint = _tool("ruff", "check", "src", "tests", "bench")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatted = _tool("ruff", "format", "--check", "src", "tests", "bench")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def test_mypy_strict_passes_on_src():
    result = _tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_the_readme_test_command():
    command = "pip install -e '.[test]' && pytest"
    assert command in (REPO / "README.md").read_text()
    assert command in (REPO / ".ci" / "run").read_text().splitlines()


def test_readme_lists_every_rule():
    readme = (REPO / "README.md").read_text()
    for code in load_rules():
        assert f"[{code}](docs/rules/{code}.md)" in readme
