"""Time ``errguard check`` against the ast.parse floor, flake8, ruff and (optionally) pylint.

The corpus is Django's own source (the installed ``django`` package, or ``--path``). flake8 runs
from a throwaway virtualenv with nothing but flake8, so "default plugins" means exactly that and
not errguard's own plugin. Every tool runs as a subprocess, timed wall-clock, best of N runs.

    python bench/bench_check.py                 # errguard, floor, flake8, ruff
    python bench/bench_check.py --pylint        # also pylint (slow: minutes)

"errguard check" is a run with its on-disk cache (``.errguard_cache/``: the model index and the
import graph, keyed by file content) warm, as on a developer's machine or a CI cache; "no cache"
deletes it before every run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable
from pathlib import Path

FLOOR_SCRIPT = """
import ast, gc, pathlib, sys, time
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.py"))
gc.disable()
start = time.perf_counter()
for path in files:
    ast.parse(path.read_bytes())
print(time.perf_counter() - start)
"""


def django_source() -> Path:
    import django

    return Path(django.__file__).parent


def timed(
    command: list[str], cwd: Path, runs: int, before: Callable[[], None] | None = None
) -> float:
    best = float("inf")
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        # Linters exit non-zero when they find something; only the time matters here.
        subprocess.run(command, cwd=cwd, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def forget_cache(workdir: Path) -> Callable[[], None]:
    """Delete errguard's on-disk caches, so the next run builds the model index and import graph."""

    def forget() -> None:
        for directory in workdir.rglob(".errguard_cache"):
            shutil.rmtree(directory)

    return forget


def floor(corpus: Path, runs: int) -> float:
    """Reading and ``ast.parse``-ing every file once, in one process, without start-up."""
    return min(
        float(subprocess.check_output([sys.executable, "-c", FLOOR_SCRIPT, str(corpus)]))
        for _ in range(runs)
    )


def flake8_environment() -> Path:
    directory = Path(tempfile.gettempdir()) / "errguard-bench-flake8"
    python = directory / "bin" / "python"
    if not python.exists():
        venv.create(directory, with_pip=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "flake8"], check=True)
    return python


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", type=Path, default=None, help="corpus (default: Django)")
    parser.add_argument("--runs", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--pylint", action="store_true", help="also time pylint (slow)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    source = (args.path or django_source()).resolve()
    # A copy in a scratch directory, so no tool picks up site-packages from its working directory.
    workdir = Path(tempfile.mkdtemp(prefix="errguard-bench-"))
    corpus = workdir / source.name
    shutil.copytree(source, corpus, ignore=shutil.ignore_patterns("__pycache__"))
    files = sorted(corpus.rglob("*.py"))
    lines = sum(path.read_bytes().count(b"\n") for path in files)
    print(f"corpus: {source} ({len(files)} files, {lines} lines), {os.cpu_count()} CPUs")
    cwd = corpus.parent

    results: dict[str, float] = {"ast.parse floor (1 process)": floor(corpus, args.runs)}
    errguard = [sys.executable, "-m", "errguard", "check", "--quiet", corpus.name]
    results["errguard check (no cache)"] = timed(errguard, cwd, args.runs, forget_cache(workdir))
    results["errguard check"] = timed(errguard, cwd, args.runs)
    results["errguard check --jobs 1"] = timed([*errguard, "--jobs", "1"], cwd, args.runs)
    # The rules that need nothing beyond the file itself (no model index, no import graph).
    per_file = [*errguard, "--select", "EG0,EG4"]
    results["errguard, per-file rules only"] = timed(per_file, cwd, args.runs)
    flake8 = flake8_environment().parent / "flake8"
    results["flake8 (default plugins)"] = timed(
        [str(flake8), "--isolated", corpus.name], cwd, max(1, args.runs - 1)
    )
    # The ruff of this interpreter's environment, when that environment is not on PATH.
    ruff = shutil.which(
        "ruff", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    )
    if ruff:
        results["ruff check (default rules)"] = timed(
            [ruff, "check", "--isolated", "--no-cache", "--exit-zero", corpus.name], cwd, args.runs
        )
    if args.pylint:
        results["pylint -j 0"] = timed(
            [sys.executable, "-m", "pylint", "-j", "0", "--exit-zero", corpus.name], cwd, 1
        )

    base = results["errguard check"]
    floor_time = results["ast.parse floor (1 process)"]
    print(f"\n{'tool':<30} {'seconds':>8} {'vs errguard':>12} {'vs floor':>9}")
    for name, seconds in results.items():
        print(f"{name:<30} {seconds:>8.2f} {seconds / base:>11.1f}x {seconds / floor_time:>8.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"files": len(files), "lines": lines, **results}, indent=2))
    shutil.rmtree(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
