"""The guard against tests that read paths outside the checkout sees what it should."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.conftest import REPO
from tests.outside_paths import OutsideReads, allowed_roots


def _guard():
    guard = OutsideReads(allowed_roots(REPO))
    guard.active = True
    return guard


def test_a_path_outside_the_checkout_is_recorded():
    guard = _guard()
    elsewhere = "/nonexistent-machine/home/dev/.venv/bin/python"

    guard("open", (elsewhere, "r", 0))
    guard("subprocess.Popen", (None, [elsewhere, "-c", "pass"], None, None))

    assert guard.seen == {elsewhere: "open"}


def test_the_checkout_temp_dirs_this_python_and_the_system_are_allowed():
    guard = _guard()

    for path in (
        REPO / "README.md",
        Path(tempfile.gettempdir()) / "x" / "y.py",
        Path(sys.executable),
        "/etc/hosts",
        "/usr/share/zoneinfo/UTC",
    ):
        guard("open", (str(path), "r", 0))
        guard("subprocess.Popen", (str(path), [str(path)], None, None))

    assert guard.seen == {}


def test_relative_paths_and_file_descriptors_are_not_judged():
    guard = _guard()

    guard("open", ("relative/to/the/cwd.txt", "r", 0))
    guard("open", (3, "r", 0))
    guard("subprocess.Popen", (None, ["ruff", "check"], None, None))

    assert guard.seen == {}


def test_an_inactive_guard_records_nothing():
    guard = OutsideReads(allowed_roots(REPO))

    guard("open", ("/nonexistent-machine/file", "r", 0))

    assert guard.seen == {}
