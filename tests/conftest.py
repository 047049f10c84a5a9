from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from errguard.cli import main

REPO = Path(__file__).resolve().parent.parent
# Labelled example code for bench/score_labels.py, with its own conftest and test files.
collect_ignore = ["corpus"]


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str | os.PathLike[str]) -> CliResult:
    """Run ``errguard`` in-process (fast) with captured streams."""
    out, err = io.StringIO(), io.StringIO()
    code = main([str(arg) for arg in args], out=out, err=err)
    return CliResult(code, out.getvalue(), err.getvalue())


def run_subprocess(*args: str | os.PathLike[str], cwd: Path) -> CliResult:
    """Run the installed ``errguard`` console entry point, as users do."""
    completed = subprocess.run(
        [sys.executable, "-m", "errguard", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project directory that is also the working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
