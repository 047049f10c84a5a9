"""The package builds into an sdist and a wheel that install and run in a clean virtualenv."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from errguard import __version__
from tests.conftest import REPO

pytest.importorskip("build", reason="python -m build comes with the dev extra")


def _run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert completed.returncode in (0, 1), completed.stdout + completed.stderr
    return completed


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", outdir, REPO, cwd=REPO)
    return outdir


def test_sdist_and_wheel_carry_the_version(dist):
    assert sorted(path.name for path in dist.iterdir()) == [
        f"errguard-{__version__}-py3-none-any.whl",
        f"errguard-{__version__}.tar.gz",
    ]
    names = zipfile.ZipFile(dist / f"errguard-{__version__}-py3-none-any.whl").namelist()
    assert "errguard/py.typed" in names
    assert not [name for name in names if name.startswith(("tests/", "example_project/"))]


def test_the_wheel_installs_alone_and_checks_the_example_shop(dist, tmp_path):
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    wheel = dist / f"errguard-{__version__}-py3-none-any.whl"
    _run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    shop = shutil.copytree(REPO / "example_project", tmp_path / "shop")

    checked = _run(environment / "bin" / "errguard", "check", "--no-cache", ".", cwd=shop)
    installed = _run(python, "-m", "pip", "list", "--format=freeze", cwd=tmp_path).stdout

    assert checked.returncode == 1
    assert "EG101" in checked.stdout
    assert "EG201" in checked.stdout
    assert not any(name in installed.lower() for name in ("django==", "flake8==", "pytest=="))
