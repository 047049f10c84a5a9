"""What errguard's pytest plugin costs on a real test suite, in CPU time.

Runs one suite of ``realworld/suites.toml`` (set it up first: ``python
bench/realworld/runtime.py setup django-allauth``) in three modes, interleaved round by round
so that a noisy neighbour hits every mode alike:

- ``without``: the queries plugin disabled (``-p no:errguard.pytest_plugin.queries``);
- ``recording``: queries recorded and counted, no N+1 detection (``--nplusone=off``);
- ``detection``: recording and runtime N+1 detection (``--nplusone=warn``, the default).

Each run's CPU time (user + system of the pytest process and its children) is measured;
the script prints each mode's median, spread (min to max), the overhead of the medians
over ``without``, and the median (with quartiles) of each round's overhead over that round's
``without`` run. With ``--profile`` it then runs the suite once under cProfile with detection
on and prints the share of CPU spent in errguard's own functions (their own time, ``tottime``).

    python bench/bench_suite_overhead.py django-allauth --rounds 10
    python bench/bench_suite_overhead.py django-allauth --rounds 3 --tests tests/apps/account
"""

from __future__ import annotations

import argparse
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "realworld"))

from runtime import Suite, load_suites  # noqa: E402

MODES = {
    "without": ["-p", "no:errguard.pytest_plugin.queries"],
    "recording": ["--nplusone=off"],
    "detection": ["--nplusone=warn"],
}


def _command(suite: Suite, mode: str, tests: list[str], profile: Path | None = None) -> list[str]:
    runner = [str(suite.python_bin)]
    if profile is not None:
        runner += ["-m", "cProfile", "-o", str(profile)]
    return [
        *runner, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore",
        *MODES[mode], *(tests or suite.pytest_args),
    ]  # fmt: skip


def _env(suite: Suite) -> dict[str, str]:
    return {**os.environ, **suite.env, "PYTHONPATH": str(suite.source)}


def _cpu_of(command: list[str], suite: Suite) -> tuple[float, float, int]:
    """CPU seconds (user + system, children included), wall seconds and pytest's exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    completed = subprocess.run(
        command,
        cwd=suite.source,
        env=_env(suite),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, completed.returncode


def measure(suite: Suite, rounds: int, tests: list[str]) -> dict[str, list[float]]:
    cpu: dict[str, list[float]] = {mode: [] for mode in MODES}
    for number in range(rounds):
        # Rotate the order each round: the first run of a round is not always the same mode.
        order = list(MODES)[number % len(MODES) :] + list(MODES)[: number % len(MODES)]
        for mode in order:
            seconds, wall, code = _cpu_of(_command(suite, mode, tests), suite)
            cpu[mode].append(seconds)
            print(
                f"round {number + 1} {mode:>9}: {seconds:6.2f} s CPU, {wall:6.2f} s wall ({code})"
            )
    return cpu


def _paired(values: list[float], base: list[float]) -> str:
    """The median of each round's overhead over that round's ``without`` run, and its quartiles.

    A neighbour's load drifts over minutes: pairing the runs of one round cancels most of it,
    where the medians of whole columns keep it.
    """
    ratios = [(value / without - 1) * 100 for value, without in zip(values, base, strict=True)]
    if len(ratios) < 2:
        return f"{ratios[0]:+.1f}%"
    low, _, high = statistics.quantiles(ratios, n=4)
    return f"{statistics.median(ratios):+.1f}% ({low:+.1f}% to {high:+.1f}%)"


def report(cpu: dict[str, list[float]]) -> None:
    base = statistics.median(cpu["without"])
    print(
        "\n| mode | runs | median CPU | min - max | overhead (medians) "
        "| overhead per round (median, quartiles) |\n|---|---|---|---|---|---|"
    )
    for mode, values in cpu.items():
        median = statistics.median(values)
        overhead = "" if mode == "without" else f"{(median / base - 1) * 100:+.1f}%"
        paired = "" if mode == "without" else _paired(values, cpu["without"])
        print(
            f"| {mode} | {len(values)} | {median:.2f} s | {min(values):.2f} - {max(values):.2f} s "
            f"| {overhead} | {paired} |"
        )


def profile_share(suite: Suite, tests: list[str]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "profile.out"
        _cpu_of(_command(suite, "detection", tests, profile=output), suite)
        stats = pstats.Stats(str(output))
    total = 0.0
    ours = 0.0
    marker = f"{os.sep}errguard{os.sep}"
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        total += tottime
        if marker in filename and f"{os.sep}bench{os.sep}" not in filename:
            ours += tottime
    print(
        f"\ncProfile, detection on: errguard's own functions {ours:.2f} s of {total:.2f} s "
        f"({ours / total * 100:.1f}%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", help="a suite of realworld/suites.toml")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--tests", nargs="*", default=[], help="paths instead of the suite's")
    parser.add_argument("--profile", action="store_true", help="also the cProfile share")
    args = parser.parse_args()
    suite = load_suites()[args.project]
    if not suite.python_bin.exists():
        raise SystemExit(
            f"set the suite up first: python bench/realworld/runtime.py setup {suite.project}"
        )
    report(measure(suite, args.rounds, args.tests))
    if args.profile:
        profile_share(suite, args.tests)


if __name__ == "__main__":
    main()
