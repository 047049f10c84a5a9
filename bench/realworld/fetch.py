"""Fetch the real-world corpus (manifest.toml) into a cache directory, verified by sha256.

    python bench/realworld/fetch.py [--cache DIR]

Each project's wheel is downloaded from the package index with pip (no dependencies, no
build), checked against the manifest's sha256 and unpacked into ``DIR/<name>/``, with a
``pyproject.toml`` that marks it as one project for errguard's project-wide analyses. A
project's ``lint-config`` (its flake8/ruff/pylint configuration, which wheels do not carry)
is taken from its source distribution, fetched from the same index by URL: pip cannot download
an sdist without building it. The
default DIR is ``bench/realworld/.cache`` (not committed). Already unpacked projects are kept.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

from manifest import DEFAULT_CACHE, LintConfig, Project, load_manifest

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


def _verified(archive: Path, sha256: str, project: Project) -> Path:
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != sha256:
        raise SystemExit(f"{project.name}: {archive.name} sha256 {digest} is not {sha256}")
    return archive


def _download_sdist(project: Project, lint: LintConfig, into: Path) -> Path:
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
    with urllib.request.urlopen(f"{index}/{project.name}/", timeout=120) as response:
        page = response.read().decode()
    link = re.search(rf'href="([^"#]+)[^"]*"[^>]*>{re.escape(lint.sdist)}</a>', page)
    if link is None:
        raise SystemExit(f"{project.name}: {lint.sdist} is not on {index}")
    url = urllib.parse.urljoin(f"{index}/{project.name}/", link.group(1))
    target = into / lint.sdist
    with urllib.request.urlopen(url, timeout=600) as response:
        target.write_bytes(response.read())
    return target


def _lay_lint_config(sdist: Path, lint: LintConfig, target: Path) -> None:
    with tarfile.open(sdist) as archive:
        for member, destination in lint.files.items():
            source = archive.extractfile(member)
            if source is None:
                raise SystemExit(f"{sdist.name}: {member} is not a file")
            (target / destination).write_bytes(source.read())


def fetch(project: Project, cache: Path) -> Path:
    target = cache / project.name
    if target.is_dir():
        return target
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    with tempfile.TemporaryDirectory() as directory:
        downloads = Path(directory)
        wheel = _verified(_download(project, downloads), project.sha256, project)
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(partial)
        (partial / "pyproject.toml").write_text(f'[project]\nname = "{target.name}"\n')
        lint = project.lint_config
        if lint is not None:
            sdist = _verified(_download_sdist(project, lint, downloads), lint.sha256, project)
            _lay_lint_config(sdist, lint, partial)
    partial.rename(target)
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
