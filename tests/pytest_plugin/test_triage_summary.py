"""The errguard: triage section: failed tests grouped by root cause, most frequent first."""

from __future__ import annotations

import pytest

from tests.pytest_plugin.triage_project import PROJECT, run, write


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    write(pytester, PROJECT)
    return pytester


def test_failures_sharing_a_cause_across_modules_and_parameters_are_one_cause(project):
    triage = run(project)
    triage.result.assert_outcomes(passed=2, failed=9, errors=3)
    section = triage.section
    assert section.startswith("12 failed tests, 5 root causes\n"), section
    key_error = triage.cause("KeyError")
    assert key_error["count"] == 5
    assert key_error["tests"] == [
        "tests/test_orders.py::test_banana",
        "tests/test_prices.py::test_price[fig]",
        "tests/test_prices.py::test_price[kiwi]",
        "tests/test_prices.py::test_price[pear]",
        "tests/test_prices.py::test_price[plum]",
    ]
    fingerprint = key_error["fingerprint"]
    assert (
        f"   5  programming  {fingerprint}  new\n"
        "      KeyError: <STR>\n"
        "      at app/prices.py in price_of\n"
        "      tests/test_orders.py::test_banana\n"
        "      tests/test_prices.py::test_price[fig]\n"
        "      tests/test_prices.py::test_price[kiwi]\n"
        "      ... and 2 more (-v lists them all)\n"
    ) in section


def test_causes_are_sorted_by_count(project):
    counts = [cause["count"] for cause in run(project).data["root_causes"]]
    assert counts == [5, 2, 2, 2, 1]


def test_verbose_lists_every_test_of_a_cause(project):
    section = run(project, "-v").section
    assert "tests/test_prices.py::test_price[plum]\n" in section
    assert "more (-v lists them all)" not in section


def test_ids_addresses_uuids_timestamps_and_quoted_values_do_not_split_a_cause(project):
    orders = run(project).cause("app.orders.OrderError")
    assert orders["count"] == 2
    assert orders["message"] == (
        "order <N> (ref <UUID>, handler at <HEX>) refused at <TIME> for <STR>"
    )
    assert orders["frame"] == "app/orders.py in place"


def test_temporary_paths_do_not_split_a_cause(project):
    settings = run(project).cause("RuntimeError")
    assert settings["message"] == "no settings file in <TMP>, looked <N> times"
    assert settings["tests"] == [
        "tests/test_orders.py::test_settings_in_a_subdirectory",
        "tests/test_prices.py::test_settings",
    ]


def test_errors_in_setup_and_teardown_are_causes_of_their_own(project):
    triage = run(project)
    database = triage.cause("ConnectionError")
    assert database["category"] == "network"
    assert database["message"] == "database at <N>:<N> is down"
    assert database["frame"] == "tests/test_phases.py in database"
    assert database["tests"] == [
        "tests/test_phases.py::test_count (setup)",
        "tests/test_phases.py::test_query (setup)",
    ]
    leak = triage.cause("ValueError")
    assert leak["tests"] == ["tests/test_phases.py::test_leaks (teardown)"]
    assert leak["frame"] == "tests/test_phases.py in leaky"


def test_a_test_failing_in_call_and_teardown_counts_once(pytester):
    write(
        pytester,
        {
            "test_twice.py": """
            import pytest

            @pytest.fixture
            def broken_teardown():
                yield
                raise OSError("cleanup failed")

            def test_twice(broken_teardown):
                assert False
            """
        },
    )
    triage = run(pytester)
    assert triage.data["failed_tests"] == 1
    assert triage.section.startswith("1 failed test, 2 root causes\n")


def test_the_json_report_has_every_cause_with_all_its_tests(project):
    data = run(project).data
    assert data["failed_tests"] == 12
    assert [cause["exception"] for cause in data["root_causes"]] == [
        "KeyError",
        *sorted(
            ["app.orders.OrderError", "RuntimeError", "ConnectionError"],
            key=lambda name: next(
                c["fingerprint"] for c in data["root_causes"] if c["exception"] == name
            ),
        ),
        "ValueError",
    ]
    assert len(data["root_causes"][0]["tests"]) == 5
    assert set(data["root_causes"][0]) == {
        "fingerprint",
        "count",
        "category",
        "injected",
        "exception",
        "cause",
        "message",
        "frame",
        "status",
        "flaky",
        "tests",
    }
    assert (data["flaky"], data["fixed"]) == ([], [])


def test_a_passing_run_prints_nothing(pytester):
    write(pytester, {"test_fine.py": "def test_fine():\n    assert True\n"})
    triage = run(pytester)
    triage.result.assert_outcomes(passed=1)
    assert "errguard: triage" not in triage.output
    assert triage.data == {"failed_tests": 0, "root_causes": [], "flaky": [], "fixed": []}


def test_a_chained_exception_shows_the_type_it_was_raised_from(pytester):
    write(
        pytester,
        {
            "test_chain.py": """
            class ServiceError(Exception):
                pass

            def fetch():
                try:
                    {}["missing"]
                except KeyError as error:
                    raise ServiceError("lookup failed") from error

            def test_fetch():
                fetch()
            """
        },
    )
    triage = run(pytester)
    cause = triage.data["root_causes"][0]
    assert (cause["exception"], cause["cause"]) == ("test_chain.ServiceError", "KeyError")
    assert "test_chain.ServiceError (from KeyError): lookup failed\n" in triage.section


def test_the_triage_can_be_turned_off(project):
    write(project, {"pytest.ini": "[pytest]\npythonpath = .\nerrguard_triage = false\n"})
    result = project.runpytest("--errguard-triage-json=triage.json")
    result.assert_outcomes(passed=2, failed=9, errors=3)
    assert "errguard: triage" not in result.stdout.str()
    assert not (project.path / "triage.json").exists()


def test_an_exception_that_cannot_be_printed_is_still_a_cause(pytester):
    write(
        pytester,
        {
            "test_unprintable.py": """
            class Unprintable(Exception):
                def __str__(self):
                    raise RuntimeError("no")

            def test_unprintable():
                raise Unprintable
            """
        },
    )
    cause = run(pytester).cause("test_unprintable.Unprintable")
    assert cause["message"] == "<unprintable Unprintable>"


def test_the_json_report_goes_to_a_new_directory_too(pytester):
    write(pytester, {"test_fine.py": "def test_fine():\n    assert True\n"})
    pytester.runpytest("--errguard-triage-json=reports/ci/triage.json").assert_outcomes(passed=1)
    assert (pytester.path / "reports/ci/triage.json").is_file()
