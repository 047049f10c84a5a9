"""``max-file-seconds``: a file whose analysis runs away is named as not checked once its time
is up, and every other file is still checked. The tests give a file that takes seconds a
budget of a fraction of one, and never look at a clock themselves."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from errguard.config import load_config
from errguard.detect.deadline import FileTimeout, time_limit
from errguard.registry import known_rules
from errguard.runner import Job, check_file
from tests.conftest import run_cli
from tests.test_cli import BARE, write
from tests.test_cli_edges import fixed
from tests.test_robustness import _n_plus_one_functions

BUDGET = 0.2  # seconds; the small files take milliseconds, the runaway one seconds
NOT_CHECKED = (
    "errguard: error: runaway.py:1: not checked: the analysis took longer than "
    "max-file-seconds (0.2 s); raise it in [tool.errguard] or exclude the file"
)


@pytest.fixture
def runaway(project: Path) -> Path:
    write(
        project,
        {
            "pyproject.toml": f"[tool.errguard]\nmax-file-seconds = {BUDGET}\n",
            "a.py": BARE,
            "z.py": BARE,
            # Thousands of N+1 loops, each calling the one before: seconds of analysis.
            "runaway.py": BARE + _n_plus_one_functions(6_000),
        },
    )
    return project


def _alarm_untouched() -> None:
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_runaway_file_is_named_and_the_others_are_checked(runaway):
    result = run_cli("check", "--no-cache", "--format", "concise")
    assert result.code == 2
    assert NOT_CHECKED in result.err
    assert [line.split(" ")[:2] for line in result.out.splitlines()] == [
        ["a.py:3:1:", "EG401"],
        ["z.py:3:1:", "EG401"],
    ]
    _alarm_untouched()


def test_fix_leaves_a_runaway_file_alone_and_fixes_the_others(runaway):
    result = run_cli("fix", "--no-cache")
    assert result.code == 2
    assert NOT_CHECKED in result.err
    assert fixed(runaway / "a.py")
    assert fixed(runaway / "z.py")
    assert (runaway / "runaway.py").read_text().startswith(BARE)
    _alarm_untouched()


def test_without_a_timer_signal_the_engine_stops_between_nodes(runaway):
    """In a thread no signal can interrupt the analysis: the engine reads the clock itself."""
    job = Job(load_config(runaway / "pyproject.toml", known_rules()), runaway)
    results = {}

    def check(name: str) -> None:
        results[name] = check_file(runaway / name, job)

    for name in ("runaway.py", "a.py"):
        thread = threading.Thread(target=check, args=(name,))
        thread.start()
        thread.join()
    assert [str(error) for error in results["runaway.py"].errors] == [
        NOT_CHECKED.removeprefix("errguard: error: ")
    ]
    assert results["runaway.py"].violations == []
    assert [v.code for v in results["a.py"].violations] == ["EG401"]
    assert not results["a.py"].errors


def test_a_sigalrm_handler_of_someone_else_is_left_in_place(runaway):
    calls = []
    previous = signal.signal(signal.SIGALRM, lambda *_: calls.append(1))
    try:
        result = run_cli("check", "--no-cache")
        assert signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert NOT_CHECKED in result.err
    assert "a.py:3:1: EG401" in result.out
    assert calls == []


def _spin_under_two_limits() -> None:
    with time_limit(0.05), time_limit(60):
        while True:
            pass


def test_an_inner_limit_keeps_the_outer_one():
    with pytest.raises(FileTimeout):
        _spin_under_two_limits()
    _alarm_untouched()


def test_flake8_reports_a_runaway_file_as_eg000(runaway):
    pytest.importorskip("flake8")
    command = [sys.executable, "-m", "flake8", "--isolated", "--select", "EG", "."]
    completed = subprocess.run(command, cwd=runaway, capture_output=True, text=True, check=False)
    assert "Traceback" not in completed.stderr, completed.stderr
    lines = completed.stdout.splitlines()
    assert "./runaway.py:1:1: EG000 " + NOT_CHECKED.split(": ", 3)[3] in lines
    assert [line for line in lines if "runaway.py" not in line] == [
        line for line in lines if line.startswith(("./a.py:3:1: EG401", "./z.py:3:1: EG401"))
    ]
    assert len(lines) == 3


@pytest.mark.parametrize("value", ["0", "-1", '"60"', "true"])
def test_max_file_seconds_must_be_a_positive_number(project, value):
    write(project, {"pyproject.toml": f"[tool.errguard]\nmax-file-seconds = {value}\n"})
    result = run_cli("check")
    assert result.code == 2
    assert "max-file-seconds must be a positive number of seconds" in result.err
