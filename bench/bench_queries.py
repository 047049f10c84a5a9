"""Overhead of errguard's query recording and runtime N+1 detection.

Two measurements:

1. Microseconds per query, in one process with Django on in-memory SQLite: the same workload
   with no patches, with recording only (``--nplusone=off``), and with recording plus N+1
   detection (``warn``/``fail``). Workloads: a raw ``SELECT 1`` (the cheapest query there is, so
   the recording overhead shows most), an ORM lookup, an N+1 loop (lazy FK loads, each one
   counted), and queryset evaluations of 1 and 20 rows without a database round trip (the
   detector's per-evaluation and per-row cost, free of SQL compilation noise).
2. Wall time of a generated pytest-django suite (``--tests`` DB tests over the small app of
   ``tests/pytest_plugin/queries_project.py``): the queries plugin disabled
   (``-p no:errguard.pytest_plugin.queries``),
   recording only, and detection on. Runs alternate between modes; the best of ``--runs``
   counts, for wall time and for the CPU time of the pytest process (steadier on a shared
   machine).

    python bench/bench_queries.py                   # both, default sizes
    python bench/bench_queries.py --skip-suite      # per-query numbers only
"""

from __future__ import annotations

import argparse
import gc
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from errguard.queries.callsite import CallSiteFinder

MAX_QUEUED_ROWS = 20_000  # errguard.queries.tagging's bound (that module needs Django configured)

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # for tests.pytest_plugin.queries_project, the suite's app

MODES = ("no plugin", "recording", "recording + N+1 detection")
"""In the suite, "no plugin" is ``-p no:errguard.pytest_plugin.queries``; per query, no patches."""

SUITE_TEST = """
import pytest

from app import reports
from app.models import Author


@pytest.mark.parametrize("case", range({count}))
def test_catalogue(catalogue, case):
    assert len(reports.book_author_names_joined()) == 6
    assert len(reports.author_titles_prefetched()) == 3
    assert len(reports.book_author_ids()) == 6
    assert Author.objects.filter(name="Ann").exists()
"""


def configure_django() -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        USE_TZ=True,
    )
    django.setup()
    call_command("migrate", verbosity=0, run_syncdb=True)


def raw_select(count: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        for _ in range(count):
            cursor.execute("SELECT 1")
    return count


def orm_lookup(count: int) -> int:
    from django.contrib.auth.models import Permission

    for _ in range(count):
        Permission.objects.filter(pk=1).first()
    return count


def evaluation_without_database(rows: int) -> Callable[[int], int]:
    """Querysets of ``rows`` fresh instances, evaluated without a database round trip.

    Isolates the cost of the detector's ``_fetch_all`` hook (and of tagging the rows) from
    the SQL compilation and SQLite time that dominate the other workloads.
    """
    from django.contrib.auth.models import Permission

    base = Permission.objects.all()

    def fresh_rows(_queryset: object) -> Iterator[object]:
        return iter([Permission(pk=number) for number in range(rows)])

    def workload(count: int) -> int:
        for _ in range(count):
            queryset = base._chain()
            queryset._iterable_class = fresh_rows
            queryset._fetch_all()
        return count

    return workload


def lazy_loop(count: int) -> int:
    from django.contrib.auth.models import Permission

    executed = 0
    while executed < count:
        permissions = list(Permission.objects.all())
        for permission in permissions:
            assert permission.content_type.app_label
        executed += len(permissions) + 1
    return executed


def timed(workload: Callable[[int], int], count: int, mode: str, finder: CallSiteFinder) -> float:
    """CPU seconds per query of one short run (CPU time: the machine may be shared)."""
    from errguard.queries.runtime import recording  # patches Django: import once configured

    gc.collect()
    gc.disable()
    try:
        if mode == "no plugin":
            start = time.process_time()
            executed = workload(count)
            return (time.process_time() - start) / executed
        with recording(finder, detect=mode != "recording", threshold=5) as test:
            test.begin_body()
            start = time.process_time()
            executed = workload(count)
            elapsed = time.process_time() - start
            test.end_body()
        return elapsed / executed
    finally:
        gc.enable()


def bench_per_query(count: int, rounds: int) -> None:
    configure_django()
    finder = CallSiteFinder(REPO)
    workloads = {
        "raw SELECT 1": raw_select,
        "ORM lookup": orm_lookup,
        "N+1 loop": lazy_loop,
        "1 row, no DB": evaluation_without_database(1),
        "20 rows, no DB": evaluation_without_database(20),
    }
    print(
        f"Per query, microseconds of CPU time (best of {rounds} interleaved rounds of "
        f"{count:,} queries per mode):"
    )
    print(f"  {'workload':<14}" + "".join(f"{mode:>28}" for mode in MODES))
    for name, workload in workloads.items():
        workload(200)  # warm caches
        # A round is one recording, like one test. Keep the row workloads' rounds under the
        # tagging queue's bound, as a test fetching fewer rows than that would be.
        per_round = min(count, MAX_QUEUED_ROWS // 2 // 20) if "rows" in name else count
        best = dict.fromkeys(MODES, float("inf"))
        for _ in range(rounds):
            for mode in MODES:
                best[mode] = min(best[mode], timed(workload, per_round, mode, finder))
        base = best[MODES[0]] * 1e6
        cells = [f"{base:.2f}"]
        cells += [f"{best[mode] * 1e6:.2f} (+{best[mode] * 1e6 - base:.2f})" for mode in MODES[1:]]
        print(f"  {name:<14}" + "".join(f"{cell:>28}" for cell in cells))


def write_suite(directory: Path, tests: int) -> None:
    from tests.pytest_plugin import queries_project as project
    from tests.pytest_plugin.backends import SQLITE

    files = {
        "pytest.ini": project.PYTEST_INI,
        "settings.py": SQLITE.settings(project.SETTINGS, project.SQLITE_NAMES),
        "urls.py": project.URLS,
        "conftest.py": project.CONFTEST,
        "app/__init__.py": "",
        "app/models.py": project.MODELS,
        "app/reports.py": project.REPORTS,
        "app/views.py": project.VIEWS,
    }
    per_file = 50
    for index in range(0, tests, per_file):
        count = min(per_file, tests - index)
        files[f"test_suite_{index // per_file}.py"] = SUITE_TEST.format(count=count)
    for name, source in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip("\n"))


def suite_arguments(mode: str) -> list[str]:
    return {
        # Only the queries module is disabled: errguard's other plugin modules stay loaded.
        "no plugin": ["-p", "no:errguard.pytest_plugin.queries"],
        "recording": ["--nplusone=off"],
        "recording + N+1 detection": ["--nplusone=warn"],
    }[mode]


def profiled_share(directory: Path, mode: str, environment: dict[str, str]) -> float:
    """Percent of a cProfile'd suite run spent in errguard's query code (self time).

    Deterministic where wall and CPU times are not on a shared machine; the profiler adds
    a cost per function call, which inflates small functions like errguard's hooks, so this
    errs high.
    """
    profile = directory / f"{mode.replace(' ', '_')}.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "pytest", "-q"]
    subprocess.run(
        [*command, *suite_arguments(mode)],
        cwd=directory,
        env=environment,
        capture_output=True,
        check=True,
    )
    stats = pstats.Stats(str(profile))
    ours = sum(
        row[2]  # total self time of the function
        for (filename, _, _), row in stats.stats.items()
        if "/errguard/queries/" in filename or filename.endswith("pytest_plugin/queries.py")
    )
    return ours / stats.total_tt * 100


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_suite(tests: int, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="errguard-bench-suite-") as name:
        directory = Path(name)
        write_suite(directory, tests)
        environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        wall = dict.fromkeys(MODES, float("inf"))
        cpu = dict.fromkeys(MODES, float("inf"))
        for _ in range(runs):
            for mode in MODES:
                command = [sys.executable, "-m", "pytest", "-q", *suite_arguments(mode)]
                start, start_cpu = time.perf_counter(), children_cpu_seconds()
                completed = subprocess.run(
                    command,
                    cwd=directory,
                    env=environment,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                wall[mode] = min(wall[mode], time.perf_counter() - start)
                cpu[mode] = min(cpu[mode], children_cpu_seconds() - start_cpu)
                if completed.returncode != 0:
                    raise SystemExit(f"suite failed in mode {mode!r}:\n{completed.stdout}")
        shares = {mode: profiled_share(directory, mode, environment) for mode in MODES[1:]}
    print(f"\nSuite of {tests} DB tests, seconds (best of {runs} interleaved runs per mode):")
    print(f"  {'mode':<28}{'wall':>8}{'':>10}{'CPU':>8}{'':>10}{'in errguard (cProfile)':>24}")
    for mode in MODES:
        wall_change = (wall[mode] - wall[MODES[0]]) / wall[MODES[0]] * 100
        cpu_change = (cpu[mode] - cpu[MODES[0]]) / cpu[MODES[0]] * 100
        share = f"{shares[mode]:.2f}%" if mode in shares else "-"
        print(
            f"  {mode:<28}{wall[mode]:>8.2f}{wall_change:>+9.1f}%"
            f"{cpu[mode]:>8.2f}{cpu_change:>+9.1f}%{share:>24}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=1000, help="queries per round and mode")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds per workload")
    parser.add_argument("--tests", type=int, default=300, help="tests in the generated suite")
    parser.add_argument("--runs", type=int, default=5, help="suite runs per mode; best counts")
    parser.add_argument("--skip-suite", action="store_true", help="only the per-query numbers")
    arguments = parser.parse_args()
    bench_per_query(arguments.queries, arguments.rounds)
    if not arguments.skip_suite:
        bench_suite(arguments.tests, arguments.runs)


if __name__ == "__main__":
    main()
