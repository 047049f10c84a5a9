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
