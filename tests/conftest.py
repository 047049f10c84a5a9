from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from errguard.cli import main
from tests.outside_paths import OutsideReads, allowed_roots

REPO = Path(__file__).resolve().parent.parent
# Labelled example code for bench/score_labels.py, with its own conftest and test files.
collect_ignore = ["corpus"]
_OUTSIDE_READS = OutsideReads(allowed_roots(REPO))
sys.addaudithook(_OUTSIDE_READS)


@pytest.fixture(scope="session", autouse=True)
def _no_reads_outside_the_checkout():
    """Fail the run when a test read a path that exists only on this machine."""
    _OUTSIDE_READS.active = True
    yield
    _OUTSIDE_READS.active = False
    outside = "\n".join(f"{event}: {path}" for path, event in sorted(_OUTSIDE_READS.seen.items()))
    assert not outside, f"tests read paths outside the checkout:\n{outside}"


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester session is a scenario whose tests run in the order written (the last checks
    what the others left behind): pytest-randomly, which shuffles this suite, stays out of it."""
    addopts = os.environ.get("PYTEST_ADDOPTS", "")  # pytester itself clears it: usually empty
    monkeypatch.setenv("PYTEST_ADDOPTS", f"{addopts} -p no:randomly".strip())
    return pytester


def pytest_sessionstart(session):
    """A tox env named after a Django version must really test that version.

    Dependency resolution can upgrade Django behind the env's back (a newer DRF that needs a
    newer Django): tox sets ``ERRGUARD_EXPECT_DJANGO`` and the run stops at once if it did.
    """
    expected = os.environ.get("ERRGUARD_EXPECT_DJANGO")
    if expected:
        import django

        installed = ".".join(map(str, django.VERSION[:2]))
        if installed != expected:
            pytest.exit(f"this env names Django {expected} but {installed} is installed", 3)


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
