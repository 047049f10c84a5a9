"""Causes compared with the last run (pytest's cache): new, still failing, fixed, flaky."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.pytest_plugin.triage_project import (
    PRICES,
    PROJECT,
    TEST_PRICES,
    Triage,
    run,
    write,
)

SMALL = {
    "pytest.ini": PROJECT["pytest.ini"],
    "app/__init__.py": "",
    "app/prices.py": PRICES,
    "tests/test_prices.py": TEST_PRICES,
}


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    write(pytester, SMALL)
    return pytester


def test_a_second_run_marks_causes_still_failing(project):
    first = run(project)
    second = run(project)
    assert [c["status"] for c in first.data["root_causes"]] == ["new", "new"]
    assert [c["status"] for c in second.data["root_causes"]] == ["still failing"] * 2
    assert second.fingerprints == first.fingerprints


def test_lines_moved_by_edits_keep_the_fingerprint(project):
    before = run(project)
    write(project, {"app/prices.py": '"""Prices."""\n\nimport os\n\n' + PRICES})
    write(project, {"tests/test_prices.py": "# Moved down.\n\n\n" + TEST_PRICES})
    after = run(project)
    assert after.fingerprints == before.fingerprints
    assert _key_error_line(after) == _key_error_line(before) + 5
    assert after.cause("KeyError")["status"] == "still failing"


def _key_error_line(triage: Triage) -> int:
    match = re.search(r"^app/prices.py:(\d+): KeyError$", triage.output, re.M)
    assert match, triage.output
    return int(match.group(1))


def test_a_renamed_function_is_another_cause(project):
    before = run(project).cause("KeyError")
    helper = "return lookup(name)\n\n\ndef lookup(name):\n    return PRICES[name]"
    write(project, {"app/prices.py": PRICES.replace("return PRICES[name]", helper)})
    after = run(project).cause("KeyError")
    assert after["frame"] == "app/prices.py in lookup"
    assert after["fingerprint"] != before["fingerprint"]
    assert after["status"] == "new"


def test_a_cause_whose_tests_pass_is_listed_as_fixed(project):
    failing = run(project).cause("RuntimeError")
    write(project, {"app/prices.py": PRICES.replace("raise RuntimeError", "return None  #")})
    fixed = run(project)
    assert [c["fingerprint"] for c in fixed.data["fixed"]] == [failing["fingerprint"]]
    assert (
        "fixed since the last run: 1 root cause\n"
        f"  {failing['fingerprint']}  programming  RuntimeError: no settings file in <TMP>, "
        "looked <N> times (at app/prices.py in load_settings)\n"
    ) in fixed.section
    assert run(project).data["fixed"] == []  # fixed once, not again at every run


def test_a_cause_whose_tests_did_not_run_is_not_fixed(project):
    first = run(project)
    only_prices = run(project, "-k", "test_price")
    assert only_prices.data["fixed"] == []
    settings = run(project).cause("RuntimeError")
    assert settings["status"] == "still failing"
    assert settings["fingerprint"] == first.cause("RuntimeError")["fingerprint"]


def test_a_cause_that_passes_and_then_fails_again_is_flaky(project, monkeypatch):
    write(
        project,
        {
            "tests/test_flaky.py": """
            import os

            def test_sometimes():
                assert os.environ.get("SOMETIMES") != "fail", "the coin fell on fail"
            """
        },
    )
    monkeypatch.setenv("SOMETIMES", "fail")
    assert run(project, "tests/test_flaky.py").cause("AssertionError")["status"] == "new"
    monkeypatch.setenv("SOMETIMES", "pass")
    assert len(run(project, "--lf").data["fixed"]) == 1
    monkeypatch.setenv("SOMETIMES", "fail")
    again = run(project, "tests/test_flaky.py")
    cause = again.cause("AssertionError")
    assert (cause["status"], cause["flaky"]) == ("failing again", True)
    assert f"  {cause['fingerprint']}  failing again, flaky\n" in again.section
    assert run(project, "tests/test_flaky.py").cause("AssertionError")["flaky"] is True


def test_a_cause_that_fails_then_passes_when_rerun_is_flaky(pytester):
    write(
        pytester,
        {
            "test_rerun.py": """
            attempts = []

            def test_second_time_lucky():
                attempts.append(1)
                assert len(attempts) > 1, "first attempt"

            def test_never():
                raise TimeoutError("no answer after 5 s")
            """,
        },
    )
    # pytest-rerunfailures itself (in the test extra): a failed attempt is logged as "rerun".
    triage = run(pytester, "--reruns", "1")
    outcomes = triage.result.parseoutcomes()  # "warnings" too, on some pytest/Django pairs
    assert (outcomes["passed"], outcomes["failed"], outcomes["rerun"]) == (1, 1, 2)
    ((failing,), (flaky,)) = triage.data["root_causes"], triage.data["flaky"]
    assert (failing["category"], failing["flaky"]) == ("timeout", False)
    assert flaky["tests"] == ["test_rerun.py::test_second_time_lucky"]
    assert flaky["flaky"] is True
    assert "flaky, passed when re-run: 1 root cause\n" in triage.section


def test_fingerprints_are_the_same_in_another_checkout(pytester):
    write(pytester, SMALL, under="one")
    shutil.copytree(pytester.path / "one", pytester.path / "elsewhere" / "two")
    one = run(pytester, "--rootdir=one", "one", "-p", "no:cacheprovider")
    two = run(pytester, "--rootdir=elsewhere/two", "elsewhere/two", "-p", "no:cacheprovider")
    assert one.fingerprints
    assert one.fingerprints == two.fingerprints
