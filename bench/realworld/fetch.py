"""Fetch the real-world corpus (manifest.toml) into a cache directory, verified by sha256.

    python bench/realworld/fetch.py [--cache DIR]

Each project's wheel is downloaded from the package index with pip (no dependencies, no
build), checked against the manifest's sha256 and unpacked into ``DIR/<name>/``, with a
``pyproject.toml`` that marks it as one project for errguard's project-wide analyses. The
default DIR is ``bench/realworld/.cache`` (not committed). Already unpacked projects are kept.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from manifest import DEFAULT_CACHE, Project, load_manifest

# The wheels are pure Python; a recent target lets pip pick releases that need Python >= 3.12.
TARGET_PYTHON = "3.13"


def _download(project: Project, into: Path) -> Path:
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--only-binary=:all:", "--python-version", TARGET_PYTHON,
        "--dest", str(into), f"{project.name}=={project.version}",
    ]  # fmt: skip
    subprocess.run(command, check=True)
    wheel = into / project.file
    if not wheel.exists():
        raise SystemExit(f"{project.name}: pip did not download {project.file}")
    return wheel


def _verified(wheel: Path, project: Project) -> Path:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != project.sha256:
        raise SystemExit(f"{project.name}: sha256 {digest} is not the manifest's {project.sha256}")
    return wheel


def _unpack(wheel: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(partial)
    (partial / "pyproject.toml").write_text(f'[project]\nname = "{target.name}"\n')
    partial.rename(target)


def fetch(project: Project, cache: Path) -> Path:
    target = cache / project.name
    if target.is_dir():
        return target
    with tempfile.TemporaryDirectory() as downloads:
        _unpack(_verified(_download(project, Path(downloads)), project), target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--quiet", action="store_true", help="print nothing when all went well")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    for project in load_manifest():
        target = fetch(project, args.cache)
        if not args.quiet:
            print(f"{project.name} {project.version}: {target}")


if __name__ == "__main__":
    main()
