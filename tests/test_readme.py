"""Every fenced block of README.md runs, or is marked ``<!-- readme-test: skip (reason) -->``.

Each block is known by its key (``tests/readme_blocks.py``: its heading and position) and listed
in ``RUN_BY`` with the test that runs it; ``test_every_block_is_run_or_marked_skip`` fails on a
block that is neither. The README's pytest examples run in one pytester session in the project
of ``tests/readme_project.py``. Outputs the README shows are compared with the real ones, ``...``
standing for what it leaves out.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from errguard.cli import main
from errguard.config import load_config
from errguard.envelopes.config import load_envelope_config
from errguard.registry import known_rules
from tests import readme_blocks, readme_project
from tests.conftest import REPO
from tests.example_problems import EXAMPLE
from tests.pytest_plugin import queries_project
from tests.readme_blocks import SKIP, assert_shows, execute_tool, run_shell

SESSION = "test_pytest_examples_run_as_the_readme_says"
SHOP = "## Ten minutes with the example shop"

# The README's pytest modules: key -> (file in the session's project, {test: outcome}).
TEST_MODULES = {
    "#### The `queries` fixture #1": (
        "tests/test_reports.py",
        {"test_report_is_cheap": "failed", "test_author_names": "failed"},
    ),
    "### Error envelopes #1": (
        "tests/test_envelopes.py",
        {
            "test_unknown_order_is_a_404_envelope": "passed",
            "test_the_same_with_the_fixture": "passed",
        },
    ),
    "#### The sweep #1": (
        "tests/sweep/test_sweep.py",
        {"test_every_error_path_is_an_envelope": "failed"},
    ),
    "### Fault injection: the `faults` fixture #1": (
        "tests/test_payments.py",
        {"test_the_payment_client_retries_503s": "passed"},
    ),
    "### Fault injection: the `faults` fixture #2": (
        "tests/test_quotes_client.py",
        {
            "test_the_quotes_client_retries_refused_connections": "passed",
            "test_slow_quotes_time_out": "passed",
        },
    ),
    "### Fault injection: the `faults` fixture #3": (
        "tests/test_checkout.py",
        {"test_checkout_falls_back_when_the_fx_service_is_down": "passed"},
    ),
    "### Fault injection: the `faults` fixture #4": (
        "tests/test_report_db.py",
        {"test_report_retries_a_lost_connection": "passed"},
    ),
    "#### Markers #1": ("tests/test_markers.py", {"test_checkout_under_pressure": "passed"}),
    "#### Fault schedules with Hypothesis #1": (
        "tests/test_quotes_property.py",
        {"test_quotes_answer_200_or_an_integration_502": "failed"},
    ),
}
# The queries example fails as "A failure" shows while book_author_names is an N+1 loop; with
# the select_related version, as the README says, it passes.
QUERIES_IMPORT = "from app.reports import book_author_names\n"
JOINED_IMPORT = "from app.reports import book_author_names_joined as book_author_names\n"
# Output block -> the failing test (a README module's, or a harness test) whose report it shows.
FAILURES = {
    "#### A failure #1": "tests/test_reports.py::test_report_is_cheap",
    "#### Runtime N+1 detection #1": "tests/test_reports.py::test_author_names",
    "### Error envelopes #2": "tests/test_envelope_failure.py::test_envelope_failure",
    "#### The sweep #2": "tests/sweep/test_sweep.py::test_every_error_path_is_an_envelope",
    "#### Fault schedules with Hypothesis #2": (
        "tests/test_quotes_property.py::test_quotes_answer_200_or_an_integration_502"
    ),
    "#### Blocking the network #1": "tests/test_orders.py::test_sync_orders",
}
# The failure triage of the same session: its failing examples are a broken build.
TRIAGE = "### Failure triage #1"
# Walkthrough command -> the output shown after it.
WALKTHROUGH = {f"{SHOP} #1": f"{SHOP} #2", f"{SHOP} #3": f"{SHOP} #4"}

RUN_BY = {
    **dict.fromkeys([*TEST_MODULES, *FAILURES, "#### Summary #1", TRIAGE], SESSION),
    **dict.fromkeys([*WALKTHROUGH, *WALKTHROUGH.values()], "test_walkthrough_shows_real_output"),
    # The shop's own tests before and after `errguard fix`, with the end-to-end run.
    **dict.fromkeys(
        [f"{SHOP} #{n}" for n in (5, 6, 7, 8)],
        "tests/test_example_e2e.py::test_check_fix_and_prove",
    ),
    **dict.fromkeys(
        [f"{SHOP} #{n}" for n in (9, 10)],
        "tests/test_example_e2e.py::test_the_tests_drive_the_fix",
    ),
    "## Install #1": "test_install_commands_install_this_checkout",
    **dict.fromkeys(
        [f"### Baseline #{n}" for n in (1, 2, 3, 4, 5)],
        "tests/baseline/test_baseline_cli.py::test_the_readme_baseline_walkthrough_is_real",
    ),
    "## Usage #1": "test_usage_names_real_commands_and_options",
    "## Usage #2": "test_statistics_shows_real_output",
    "## Configuration #1": "test_linter_configuration_loads",
    "## flake8 #1": "test_flake8_reports_what_check_reports",
    "## pre-commit and CI #1": "test_pre_commit_configuration_validates_and_runs",
    "#### The standard envelope #1": "test_standard_envelope_passes",
    "#### Configuration #1": "test_envelope_configuration_loads",
    "#### Configuration #2": "test_envelope_ini_options_apply",
    "#### Configuration #3": "test_custom_schema_example_runs",
    "### Fault injection: the `faults` fixture #5": "test_faults_context_manager_example_runs",
    "## Running the tests #1": "tests/test_tooling.py::test_ci_runs_the_readme_test_command",
}


@pytest.fixture(scope="module")
def blocks():
    return readme_blocks.by_key()


# Accounting ---------------------------------------------------------------------------------


def test_every_block_is_run_or_marked_skip(blocks):
    problems = []
    for block in blocks.values():
        where = f"README.md:{block.line} ({block.key})"
        if block.key in RUN_BY:
            if block.marker is not None:
                problems.append(f"{where}: run by {RUN_BY[block.key]} but marked {block.marker}")
        elif block.marker is None:
            problems.append(f"{where}: no test runs it; list it in RUN_BY or mark it skip")
        elif not SKIP.fullmatch(block.marker):
            problems.append(f"{where}: unknown marker {block.marker!r}, expected skip (reason)")
    problems += [f"RUN_BY names {key!r}, not in README.md" for key in RUN_BY.keys() - blocks.keys()]
    assert not problems, "\n".join(problems)


def test_every_test_named_in_run_by_exists():
    for runner in set(RUN_BY.values()):
        path, _, name = runner.rpartition("::")
        source = (REPO / path if path else Path(__file__)).read_text(encoding="utf-8")
        assert f"\ndef {name}(" in source, runner


def test_blocks_are_keyed_by_heading_and_marked_by_the_comment_before_them(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Tool\n\n## Use\n\n```sh\ntool run\n```\n\n```\nran\n```\n\n### More\n\n"
        "<!-- readme-test: skip (needs a printer) -->\n```python\nprint_it()\n```\n"
    )
    found = readme_blocks.blocks(readme)
    assert [(b.key, b.lang, b.text, b.marker) for b in found] == [
        ("## Use #1", "sh", "tool run\n", None),
        ("## Use #2", "", "ran\n", None),
        ("### More #1", "python", "print_it()\n", "skip (needs a printer)"),
    ]


def test_shown_output_matches_with_ellipses_and_without_durations():
    real = "a\nb: long detail\nc\nd\n=== 1 passed in 0.51s ===\n"
    assert_shows("b: ...\n...\n===== 1 passed in 9.99s =====\n", real)
    with pytest.raises(AssertionError, match="README shows a line"):
        assert_shows("a\nc\n", real)  # lines left out need a "..." line


def test_shell_commands_follow_sh_semantics(tmp_path):
    ran = []

    def execute(argv, cwd):
        ran.append((argv, cwd.name))
        return (1 if argv[0] == "fails" else 0), f"{argv[0]}\n"

    (tmp_path / "sub").mkdir()
    status, printed, cwd = run_shell(
        "cd sub && fails && skipped\nfails; runs # comment\npip install '.[test]'",
        tmp_path,
        execute,
    )
    assert ran == [(["fails"], "sub"), (["fails"], "sub"), (["runs"], "sub")]
    assert (status, printed, cwd) == (0, "fails\nfails\nruns\n", tmp_path / "sub")
    with pytest.raises(AssertionError, match="no extra"):
        run_shell("pip install '.[nonexistent]'", tmp_path, execute)


# The linter -------------------------------------------------------------------------------


@pytest.fixture
def shop_checkout(tmp_path):
    """A copy of the example shop, named as in the repository, in a fresh directory."""
    ignored = shutil.ignore_patterns("__pycache__", ".errguard_cache", "*.sqlite3")
    shutil.copytree(EXAMPLE, tmp_path / "example_project", ignore=ignored)
    return tmp_path


def test_walkthrough_shows_real_output(blocks, shop_checkout):
    for command, output in WALKTHROUGH.items():
        status, printed, _ = run_shell(blocks[command].text, shop_checkout, execute_tool)
        assert status == 1, printed  # findings; for --diff, something to fix
        assert_shows(blocks[output].text, printed)


def test_flake8_reports_what_check_reports(blocks, shop_checkout):
    pytest.importorskip("flake8")
    concise = "errguard check --format concise example_project"
    _, checked, _ = run_shell(concise, shop_checkout, execute_tool)
    status, reported, _ = run_shell(blocks["## flake8 #1"].text, shop_checkout, execute_tool)
    assert status == 1
    findings = [line for line in checked.splitlines() if line.startswith("example_project/")]
    assert len(findings) >= 12
    assert sorted(reported.splitlines()) == sorted(findings)


def test_install_commands_install_this_checkout(blocks):
    commands = list(readme_blocks.commands(blocks["## Install #1"].text))
    assert all(argv[:2] == ["pip", "install"] for _, argv in commands), commands
    for _, argv in commands:
        readme_blocks.check_install(argv[2:])


def test_usage_names_real_commands_and_options(blocks, capsys):
    for line in blocks["## Usage #1"].text.splitlines():
        program, command, *rest = line.split()
        assert program == "errguard"
        assert main([command, "--help"]) == 0
        usage = capsys.readouterr().out
        words = " ".join(rest).translate(str.maketrans("[]();", "     ")).split()
        shown = [word for word in words if word.startswith("--") or word.isupper()]
        assert shown, line
        for word in shown:
            assert word in usage, f"{line!r}: {word} is not in `errguard {command} --help`"


def test_statistics_shows_real_output(blocks, capsys, monkeypatch):
    monkeypatch.chdir(EXAMPLE)
    assert main(["check", "--statistics", "--no-cache"]) == 1
    assert_shows(blocks["## Usage #2"].text, capsys.readouterr().out)


def test_linter_configuration_loads(blocks, tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text(blocks["## Configuration #1"].text)
    config = load_config(
        path, known_rules()
    )  # unknown keys, codes or options would raise ConfigError
    assert config.ignore == ("EG402",)
    assert config.per_file_ignores == (("tests/*", ("EG402",)),)
    assert config.rule_options["EG402"]["extra-reporters"] == ["myapp.alerts.page_oncall"]


def test_pre_commit_configuration_validates_and_runs(blocks, tmp_path):
    pytest.importorskip("pre_commit")
    scripts = Path(sys.executable).parent
    if shutil.which("git") is None or shutil.which("errguard", path=str(scripts)) is None:
        pytest.skip("needs git, and errguard installed beside this interpreter")
    env = {
        **os.environ,
        "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".pre-commit-config.yaml").write_text(blocks["## pre-commit and CI #1"].text)
    (repo / "app.py").write_text("try:\n    pass\nexcept:\n    pass\n")

    def run(*command):
        return subprocess.run(
            command, cwd=repo, env=env, capture_output=True, text=True, check=False
        )

    validated = run(
        sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert run("git", "init", "-q").returncode == 0
    assert run("git", "add", ".").returncode == 0
    hook = run(sys.executable, "-m", "pre_commit", "run", "--all-files")
    assert hook.returncode == 1, hook.stdout + hook.stderr
    assert "app.py:3:1: EG401 [*] bare `except:`" in hook.stdout


# The pytest plugin, in process ---------------------------------------------------------------

STANDARD_BODY = {
    "status": "error",
    "code": "PAYMENT_DECLINED",
    "message": "The card was declined.",
    "details": {},
    "request_id": "req-1",
    "timestamp": "2024-01-01T10:00:00Z",
}


def test_standard_envelope_passes(blocks):
    httpx = pytest.importorskip("httpx")
    from errguard.testing import assert_error_envelope

    body = json.loads(blocks["#### The standard envelope #1"].text)
    response = httpx.Response(400, json=body, headers={"X-Request-ID": body["request_id"]})
    assert assert_error_envelope(response, status=400) == body


def test_envelope_configuration_loads(blocks, tmp_path):
    (tmp_path / "pyproject.toml").write_text(blocks["#### Configuration #1"].text)
    config = load_envelope_config(tmp_path)  # unknown keys or bad values raise ConfigError
    assert config.extra_fields == ("docs_url",)
    assert config.catalog.as_dict()["PAYMENT_"] == (402,)
    assert config.catalog.as_dict()["VALIDATION_"] == (400, 422)


def test_envelope_ini_options_apply(blocks, pytester):
    httpx = pytest.importorskip("httpx")
    from errguard.testing import assert_error_envelope

    test_key = "Declined for sk_test_4eC39HqLyjWDarjtT1zdp7dc"
    responses = [
        httpx.Response(402, json=STANDARD_BODY),  # PAYMENT_ = 402
        httpx.Response(422, json={**STANDARD_BODY, "code": "VALIDATION_FAILED"}),
        httpx.Response(402, json={**STANDARD_BODY, "message": test_key}),  # allowed leak
    ]
    for response in responses:
        with pytest.raises(AssertionError):
            assert_error_envelope(response)  # the built-in catalog and leak scan
    pytester.makefile(".ini", pytest=blocks["#### Configuration #2"].text)
    pytester.parseconfigure()  # a session's configure activates its envelope configuration
    for response in responses:
        assert assert_error_envelope(response)["code"] == response.json()["code"]


def test_custom_schema_example_runs(blocks):
    httpx = pytest.importorskip("httpx")
    body = {**STANDARD_BODY, "docs_url": "https://docs.example.com/errors/payment"}
    namespace = {"response": httpx.Response(402, json=body)}
    exec(blocks["#### Configuration #3"].text, namespace)  # raises if the envelope fails


def test_faults_context_manager_example_runs(blocks):
    from errguard.faults import intercept

    namespace: dict[str, object] = {}
    exec(blocks["### Fault injection: the `faults` fixture #5"].text, namespace)
    assert namespace["faults"].handles[0].status == 503
    assert not intercept.is_installed()  # undone when the block ended


# The pytest plugin, in one pytester session --------------------------------------------------

_PROBLEMS = {"failure": "failed", "error": "error", "skipped": "skipped"}


def junit_results(path) -> tuple[dict[str, str], dict[str, str]]:
    """Each test's outcome and failure report, by node id, from pytest's JUnit XML."""
    outcomes, failures = {}, {}
    for case in ElementTree.parse(path).iter("testcase"):
        nodeid = case.get("classname").replace(".", "/") + ".py::" + case.get("name")
        problem = next((child for child in case if child.tag in _PROBLEMS), None)
        outcomes[nodeid] = "passed" if problem is None else _PROBLEMS[problem.tag]
        if problem is not None:
            failures[nodeid] = problem.text or ""
    return outcomes, failures


def message_of(report: str) -> str:
    """The exception message a pytest failure report ends with: its last run of ``E`` lines
    without the prefix, and the first without the exception's name."""
    runs = re.findall(r"(?:^E(?: {7}.*)?\n?)+", report, re.MULTILINE)
    lines = [line[8:] for line in runs[-1].splitlines()] if runs else []
    if lines:
        lines[0] = re.sub(r"^[\w.]+: ", "", lines[0])
    return "\n".join(lines)


def session_files(blocks):
    files = dict(readme_project.FILES)
    for key, (path, _) in TEST_MODULES.items():
        files[path] = blocks[key].text
    files["tests/test_reports.py"] += readme_project.NPLUSONE_TEST
    queries_example = blocks["#### The `queries` fixture #1"].text
    assert QUERIES_IMPORT in queries_example
    files["tests/test_reports_joined.py"] = queries_example.replace(QUERIES_IMPORT, JOINED_IMPORT)
    return files


def test_pytest_examples_run_as_the_readme_says(blocks, pytester, monkeypatch):
    for module in ("pytest_django", "hypothesis", "httpx", "requests", "rest_framework"):
        pytest.importorskip(module)
    # This checkout's errguard, not one installed (editable) from another checkout.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), str(REPO / "src")]))
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(variable, raising=False)
        monkeypatch.delenv(variable.lower(), raising=False)
    for path, text in session_files(blocks).items():
        queries_project.write(pytester, path, text)

    result = pytester.runpytest_subprocess("--junitxml=results.xml")

    outcomes, failures = junit_results(pytester.path / "results.xml")
    expected = {"tests/test_reports_joined.py::test_report_is_cheap": "passed"}
    for path, tests in TEST_MODULES.values():
        expected.update({f"{path}::{name}": outcome for name, outcome in tests.items()})
    expected.update(dict.fromkeys(FAILURES.values(), "failed"))
    assert outcomes == expected, result.stdout.str()
    for key, nodeid in FAILURES.items():  # as pytest shows it, or the message alone
        report = failures[nodeid]
        assert_shows(blocks[key].text, f"{report}\n{message_of(report)}")
    assert_shows(blocks["#### Summary #1"].text, result.stdout.str())
    assert_shows(blocks[TRIAGE].text, result.stdout.str())
