"""Time ``errguard check`` cold and warm against the ast.parse floor, flake8, ruff and
(optionally) pylint, in one run, as ratios.

The corpus is Django's own source (the installed ``django`` package, or ``--path``). flake8 runs
from a throwaway virtualenv with nothing but flake8, so "default plugins" means exactly that and
not errguard's own plugin. Every tool runs as a subprocess, timed wall-clock, best of N runs.

    python bench/bench_check.py                 # Django: errguard, floor, flake8, ruff
    python bench/bench_check.py --path DIR      # another project
    python bench/bench_check.py --pylint        # also pylint (slow: minutes)
    python bench/bench_check.py --path DIR --verify-only   # cached == uncached findings, no timing

"cold" is ``--no-cache`` (a fresh CI checkout). "warm" runs use ``.errguard_cache/`` as the run
before left it: unchanged; after a new edit of a module nothing imports (a function appended);
after a new edit of a models module (a model appended); and ``errguard fix`` with the few files
it fixes restored before each run. Last, a run from the cache is compared with a ``--no-cache``
run: the bench fails unless they report the same findings. Peak RSS is the most one process
held (the main one or a worker).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

FLOOR_SCRIPT = """
import ast, gc, pathlib, sys, time
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.py"))
gc.disable()
start = time.perf_counter()
for path in files:
    ast.parse(path.read_bytes())
print(time.perf_counter() - start)
"""


# Child processes write bytecode, as an installed errguard has it (no compiling at start-up).
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# Edited between warm runs of Django's source: a module nothing imports, and a models module.
DJANGO_LEAF = "django/contrib/humanize/templatetags/humanize.py"
DJANGO_MODELS = "django/contrib/auth/models.py"


class Timing(NamedTuple):
    seconds: float
    peak_rss_kb: int = 0


def django_source() -> Path:
    import django

    return Path(django.__file__).parent


def timed(
    command: list[str], cwd: Path, runs: int, before: Callable[[], None] | None = None
) -> Timing:
    """Best wall-clock time of ``runs`` runs, and the largest peak RSS of a process among them
    (a worker's or the main one's: ``wait4`` reports the most any process of the tree held)."""
    best, peak = float("inf"), 0
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        # Linters exit non-zero when they find something; only the time matters here.
        process = subprocess.Popen(
            command, cwd=cwd, env=ENVIRONMENT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, _, usage = os.wait4(process.pid, 0)
        best = min(best, time.perf_counter() - start)
        peak = max(peak, usage.ru_maxrss)  # kilobytes on Linux
        process.returncode = 0  # reaped by wait4 above
    return Timing(best, peak)


def forget_cache(workdir: Path) -> Callable[[], None]:
    """Delete errguard's on-disk caches, so the next run builds the model index and import graph."""

    def forget() -> None:
        for directory in workdir.rglob(".errguard_cache"):
            shutil.rmtree(directory)

    return forget


def appending(path: Path, text: Callable[[int], str]) -> Callable[[], None]:
    """Before each run, ``path`` as it was plus ``text(n)``: a new edit every time."""
    original = path.read_bytes()
    count = [0]

    def edit() -> None:
        count[0] += 1
        path.write_bytes(original + text(count[0]).encode())

    return edit


def restoring(files: dict[Path, bytes]) -> Callable[[], None]:
    """Before each ``fix`` run, the files it fixed as they were (same content: same cache keys)."""

    def restore() -> None:
        for path, data in files.items():
            path.write_bytes(data)

    return restore


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


def leaf_and_models(files: list[Path]) -> tuple[Path, Path]:
    """A module no other file names (so none imports it), and the largest ``models.py``."""
    documents: dict[str, int] = {}
    for path in files:
        for word in set(re.findall(rb"\w+", path.read_bytes())):
            documents[word.decode(errors="replace")] = documents.get(word.decode(), 0) + 1
    leaf = next(p for p in files if p.stem != "__init__" and documents.get(p.stem, 0) <= 1)
    models = max((p for p in files if p.name == "models.py"), key=lambda p: p.stat().st_size)
    return leaf, models


def fixable_files(errguard: list[str], cwd: Path) -> list[Path]:
    """Files with a finding ``errguard fix`` fixes (safe fixes)."""
    report = subprocess.run(
        [*errguard, "--format", "json", "--exit-zero"],
        cwd=cwd,
        env=ENVIRONMENT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = json.loads(report)
    return sorted(
        {cwd / f["path"] for f in found if (f.get("fix") or {}).get("applicability") == "safe"}
    )


def same_findings(errguard: list[str], cwd: Path) -> bool:
    """Whether a run from the (warm) cache reports exactly what a run without it does."""
    outputs = [
        subprocess.run(command, cwd=cwd, env=ENVIRONMENT, capture_output=True, check=False).stdout
        for command in ([*errguard, "--no-cache"], errguard)
    ]
    return outputs[0] == outputs[1]


def measure_errguard(
    results: dict[str, Timing],
    errguard: list[str],
    corpus: Path,
    edited: tuple[Path, Path],
    runs: int,
) -> list[Path]:
    """Cold, warm, warm after an edit of each of ``edited`` (a leaf module, a models module),
    and ``fix`` from a warm cache; the files ``fix`` finds to fix."""
    cwd = corpus.parent
    leaf, models = edited
    results["errguard check --no-cache (cold)"] = timed([*errguard, "--no-cache"], cwd, runs)
    results["errguard check, empty cache"] = timed(errguard, cwd, runs, forget_cache(corpus.parent))
    results["errguard check, warm, unchanged"] = timed(errguard, cwd, runs)
    results["errguard check, warm, leaf edited"] = timed(
        errguard,
        cwd,
        runs,
        appending(leaf, lambda n: f"\n\ndef _bench_edit_{n}():\n    pass\n"),
    )
    new_model = "\n\nclass BenchEdit{}(models.Model):\n    note = models.TextField()\n"
    results["errguard check, warm, models edited"] = timed(
        errguard, cwd, runs, appending(models, new_model.format)
    )
    fixable = fixable_files(errguard, cwd)
    share = 100 * len(fixable) / len(list(corpus.rglob("*.py")))
    fix = [sys.executable, "-m", "errguard", "fix", "--quiet", corpus.name]
    results[f"errguard fix, warm ({share:.1f}% of files fixable)"] = timed(
        fix, cwd, runs, restoring({path: path.read_bytes() for path in fixable})
    )
    return fixable


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", type=Path, default=None, help="corpus (default: Django)")
    parser.add_argument("--runs", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--pylint", action="store_true", help="also time pylint (slow)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--verify-only",
        action="store_true",
        help="time nothing: check that a run filling the cache and a run reading it report "
        "what --no-cache does",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_arguments()

    source = (args.path or django_source()).resolve()
    # A copy in a scratch directory, so no tool picks up site-packages from its working directory.
    workdir = Path(tempfile.mkdtemp(prefix="errguard-bench-"))
    corpus = workdir / source.name
    shutil.copytree(
        source,
        corpus,
        ignore=shutil.ignore_patterns("__pycache__", ".errguard_cache"),
        symlinks=True,
    )
    files = sorted(corpus.rglob("*.py"))
    lines = sum(path.read_bytes().count(b"\n") for path in files)
    print(f"corpus: {source} ({len(files)} files, {lines} lines), {os.cpu_count()} CPUs")
    cwd = corpus.parent
    errguard = [sys.executable, "-m", "errguard", "check", "--quiet", corpus.name]
    if args.verify_only:
        filled, read = same_findings(errguard, cwd), same_findings(errguard, cwd)
        print(f"same findings as --no-cache: filling the cache {filled}, reading it {read}")
        shutil.rmtree(workdir)
        return 0 if filled and read else 1
    if args.path is None:
        leaf, models = cwd / DJANGO_LEAF, cwd / DJANGO_MODELS
    else:
        leaf, models = leaf_and_models(files)
    print(f"edited: {leaf.relative_to(cwd)} (leaf), {models.relative_to(cwd)} (models)")

    results: dict[str, Timing] = {"ast.parse floor (1 process)": Timing(floor(corpus, args.runs))}
    fixable = measure_errguard(results, errguard, corpus, (leaf, models), args.runs)
    per_file = [*errguard, "--no-cache", "--select", "EG0,EG4"]
    results["errguard, per-file rules only, cold"] = timed(per_file, cwd, args.runs)
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
    identical = same_findings(errguard, cwd)

    cold = results["errguard check --no-cache (cold)"].seconds
    floor_time = results["ast.parse floor (1 process)"].seconds
    print(f"\n{'':<44} {'seconds':>8} {'vs cold':>8} {'vs floor':>9} {'peak RSS':>9}")
    for name, (seconds, peak) in results.items():
        rss = f"{peak / 1024:.0f} MiB" if peak else ""
        ratios = f"{seconds / cold:>7.2f}x {seconds / floor_time:>8.2f}x"
        print(f"{name:<44} {seconds:>8.2f} {ratios} {rss:>9}")
    flake8_time = results["flake8 (default plugins)"].seconds
    print(f"\nflake8 / errguard cold: {flake8_time / cold:.1f}x")
    print(f"findings from the warm cache identical to --no-cache: {'yes' if identical else 'NO'}")
    if args.json:
        figures = {name: timing._asdict() for name, timing in results.items()}
        document = {"files": len(files), "lines": lines, "fixable": len(fixable), **figures}
        args.json.write_text(json.dumps(document, indent=2))
    shutil.rmtree(workdir)
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
