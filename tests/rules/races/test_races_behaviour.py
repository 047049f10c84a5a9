"""EG201/EG202 fixes keep behaviour: the race app's functions return the same on SQLite before
and after ``errguard fix --unsafe-fixes``, and the fixed code no longer has the findings."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO, run_cli

pytest.importorskip("django")


def run_cases(directory):
    completed = subprocess.run(
        [sys.executable, str(directory / "runner.py"), str(directory)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


def test_fixes_keep_results_and_remove_findings(tmp_path, monkeypatch):
    shutil.copytree(REPO / "tests" / "groundtruth", tmp_path, dirs_exist_ok=True)
    app = tmp_path / "races"
    (app / "pyproject.toml").write_text("[project]\nname = 'raceapp'\n")
    before = run_cases(app)
    monkeypatch.chdir(app)
    found = json.loads(run_cli("check", "--format", "json", "raceapp").out)
    codes = sorted(item["code"] for item in found)
    assert codes == ["EG201"] * 5 + ["EG202"] * 2, codes
    safe = [item for item in found if item["fix"] and item["fix"]["applicability"] == "safe"]
    assert len(safe) == 4, "unique lookups (Customer.email, Counter.name) get the safe fix"

    result = run_cli("fix", "--unsafe-fixes", "raceapp")
    # Label.text is not unique: get_or_create() would race too, so that finding keeps no fix.
    assert result.code == 1, result.out
    assert result.out.count("EG201") == 1, result.out
    assert "Label.objects" in result.out, result.out
    fixed = (app / "raceapp" / "cases.py").read_text()
    assert fixed.count(".get_or_create(") == 4
    assert 'counter.hits = F("hits") + 2' in fixed
    assert 'counter.refresh_from_db(fields=["hits"])' in fixed
    # One race, both fields: rewritten together and refreshed together.
    assert 'counter.misses = F("misses") - 1' in fixed
    assert 'counter.refresh_from_db(fields=["hits", "misses"])' in fixed
    assert run_cases(app) == before


SIDE_EFFECT_CASES = """\
from raceapp.models import Customer

WELCOMED = []


def welcome(email):
    WELCOMED.append(email)
    return email.split("@")[0].title()


def case_create_calls_a_service(email, name):
    customer = Customer.objects.filter(email=email).first()
    if customer is None:
        customer = Customer.objects.create(email=email, name=welcome(email))
    return [customer.name, len(WELCOMED)]
"""


def test_get_or_create_with_a_side_effecting_default_is_only_an_unsafe_fix(tmp_path, monkeypatch):
    """``defaults=`` is evaluated on every call: ``welcome()`` would also run for existing rows."""
    shutil.copytree(REPO / "tests" / "groundtruth", tmp_path, dirs_exist_ok=True)
    app = tmp_path / "races"
    (app / "pyproject.toml").write_text("[project]\nname = 'raceapp'\n")
    cases = app / "raceapp" / "cases.py"
    cases.write_text(SIDE_EFFECT_CASES)
    before = run_cases(app)
    assert before["case_create_calls_a_service"] == [["Ann", 1], ["Ann", 1], ["Bob", 2]]
    monkeypatch.chdir(app)
    (finding,) = json.loads(run_cli("check", "--format", "json", "raceapp").out)
    assert finding["fix"]["applicability"] == "unsafe", finding

    assert run_cli("fix", "raceapp").code == 1
    assert cases.read_text() == SIDE_EFFECT_CASES

    assert run_cli("fix", "--unsafe-fixes", "raceapp").code == 0
    assert ".get_or_create(" in cases.read_text()
    after = run_cases(app)
    assert after["case_create_calls_a_service"] == [["Ann", 1], ["Ann", 2], ["Bob", 3]]
