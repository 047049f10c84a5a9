"""Under pytest-xdist the workers fingerprint their failures and the controller groups them."""

from __future__ import annotations

import re

import pytest

from tests.pytest_plugin.triage_project import PROJECT, Triage, run, write


@pytest.fixture
def runs(pytester: pytest.Pytester) -> tuple[Triage, Triage]:
    write(pytester, PROJECT)
    serial = run(pytester, "-p", "no:cacheprovider", subprocess=True)
    distributed = run(pytester, "-p", "no:cacheprovider", "-n", "2", "-v", subprocess=True)
    return serial, distributed


def test_workers_failures_are_merged_into_the_same_causes(runs):
    serial, distributed = runs
    workers = set(re.findall(r"\[(gw\d)\] \[ *\d+%\] (?:FAILED|ERROR)", distributed.output))
    assert workers == {"gw0", "gw1"}, distributed.output
    assert distributed.fingerprints == serial.fingerprints
    assert distributed.data["root_causes"] == serial.data["root_causes"]
    assert distributed.output.count("errguard: triage") == 1
    assert distributed.section.startswith("12 failed tests, 5 root causes\n")
