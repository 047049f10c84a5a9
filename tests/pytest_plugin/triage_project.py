"""A small project whose failing tests share a few root causes, for the triage tests."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.pytest_plugin.queries_project import Run

PRICES = """
PRICES = {"apple": 3}


def price_of(name):
    return PRICES[name]


def load_settings(directory):
    raise RuntimeError(f"no settings file in {directory}, looked 3 times")
"""

ORDERS = """
import uuid


class OrderError(Exception):
    pass


def place(order_id):
    raise OrderError(
        f"order {order_id} (ref {uuid.uuid4()}, handler at 0x{id(object()):x}) "
        f"refused at 2026-12-07T10:11:12Z for 'customer-{order_id}'"
    )
"""

TEST_PRICES = """
import pytest

from app.prices import load_settings, price_of


@pytest.mark.parametrize("name", ["pear", "plum", "fig", "kiwi"])
def test_price(name):
    assert price_of(name) > 0


def test_settings(tmp_path):
    load_settings(tmp_path)
"""

TEST_ORDERS = """
from app.orders import place
from app.prices import load_settings, price_of


def test_first_order():
    place(17)


def test_second_order():
    place(2048)


def test_banana():
    price_of("banana")


def test_settings_in_a_subdirectory(tmp_path):
    load_settings(tmp_path / "sub")


def test_passes():
    assert price_of("apple") == 3
"""

TEST_PHASES = """
import pytest


@pytest.fixture
def database():
    raise ConnectionError("database at 10.0.0.7:5432 is down")


@pytest.fixture
def leaky():
    yield
    raise ValueError("3 files left open")


def test_query(database):
    pass


def test_count(database):
    pass


def test_leaks(leaky):
    pass
"""

PROJECT = {
    "pytest.ini": "[pytest]\npythonpath = .\n",
    "app/__init__.py": "",
    "app/prices.py": PRICES,
    "app/orders.py": ORDERS,
    "tests/test_prices.py": TEST_PRICES,
    "tests/test_orders.py": TEST_ORDERS,
    "tests/test_phases.py": TEST_PHASES,
}


def write(pytester: pytest.Pytester, files: dict[str, str], under: str = ".") -> None:
    for name, source in files.items():
        path = pytester.path / under / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")


@dataclass
class Triage:
    """A finished run: its terminal output and the triage it wrote as JSON."""

    result: pytest.RunResult
    data: dict[str, Any]

    @property
    def output(self) -> str:
        return self.result.stdout.str()

    @property
    def section(self) -> str:
        return Run(self.result, {}).section("errguard: triage")

    def cause(self, exception: str) -> dict[str, Any]:
        """The one root cause whose exception is ``exception``."""
        (cause,) = [c for c in self.data["root_causes"] if c["exception"] == exception]
        return cause

    @property
    def fingerprints(self) -> dict[str, str]:
        """Each failing test's cause."""
        return {
            test: cause["fingerprint"]
            for cause in self.data["root_causes"]
            for test in cause["tests"]
        }


def run(pytester: pytest.Pytester, *args: str, subprocess: bool = False) -> Triage:
    """Run pytest in process (or in a subprocess), writing the triage to a JSON file."""
    report = pytester.path / "triage.json"
    report.unlink(missing_ok=True)
    runner = pytester.runpytest_subprocess if subprocess else pytester.runpytest
    result = runner(f"--errguard-triage-json={report}", *args)
    return Triage(result, json.loads(Path(report).read_text(encoding="utf-8")))
