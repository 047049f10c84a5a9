"""Edges of the command line: files that cannot be written, paths that do not exist, selections
of nothing, SARIF locations whatever the working directory, and the counts of fix and --diff."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from tests.conftest import run_cli
from tests.test_cli import BARE, CLEAN, SWALLOW, write

NOTHING_SELECTED = "selects no rule, so nothing would be checked"


def fixed(path: Path) -> bool:
    text = path.read_text()
    return "except Exception:" in text and "except:" not in text


def test_fix_leaves_a_read_only_file_as_it_is_and_fixes_the_others(project):
    write(project, {"a.py": BARE, "ro.py": BARE})
    (project / "ro.py").chmod(0o444)
    result = run_cli("fix")
    assert result.code == 2
    assert "errguard: error: ro.py: fixes not written: the file is read-only (mode 0444)" in (
        result.err
    )
    assert (project / "ro.py").read_text() == BARE
    assert stat.S_IMODE((project / "ro.py").stat().st_mode) == 0o444
    assert fixed(project / "a.py")
    assert result.out.startswith("ro.py:3:1: EG401")
    assert "Fixed 1 finding in 1 file; 1 remaining." in result.err


def test_fix_diff_shows_the_fix_of_a_read_only_file(project):
    write(project, {"ro.py": BARE})
    (project / "ro.py").chmod(0o444)
    result = run_cli("fix", "--diff")
    assert result.code == 1  # something to fix; nothing is written, so nothing fails
    assert "+except Exception:" in result.out
    assert "error" not in result.err


@pytest.fixture
def unwritable_directory(project):
    """A directory in which no file can be created: root ignores permission bits, so for root
    it is made immutable (where the file system and the capabilities allow it)."""
    directory = project / "locked"
    write(directory, {"b.py": BARE})
    if os.geteuid() != 0:
        directory.chmod(0o555)
        yield directory
        directory.chmod(0o755)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: no directory is unwritable for root")
    made = subprocess.run(["chattr", "+i", directory], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"running as root and chattr +i failed: {made.stderr.decode().strip()}")
    yield directory
    subprocess.run(["chattr", "-i", directory], check=True)


def test_fix_reports_an_unwritable_directory_and_fixes_the_others(project, unwritable_directory):
    write(project, {"a.py": BARE})
    result = run_cli("fix", "--no-cache")
    assert result.code == 2
    assert re.search(r"^errguard: error: locked/b\.py: fixes not written: \S", result.err, re.M)
    assert (unwritable_directory / "b.py").read_text() == BARE
    assert os.listdir(unwritable_directory) == ["b.py"]
    assert fixed(project / "a.py")
    assert result.out.startswith("locked/b.py:3:1: EG401")


def test_fix_reports_a_write_that_fails_for_anyone_and_fixes_the_others(project, monkeypatch):
    # The file size limit fails a write for root too, as a full disk or a quota would.
    resource = pytest.importorskip("resource")
    big = "# " + "padding " * 500 + "\n" + BARE
    write(project, {"big.py": big, "small.py": BARE})
    # Under the limit, the .pyc of a module first imported by this run would be cut at 1 KiB
    # and break every later import of it (in this worker and in other processes).
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, hard))
    try:
        result = run_cli("fix", "--no-cache")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert result.code == 2
    assert "errguard: error: big.py: fixes not written: File too large" in result.err
    assert (project / "big.py").read_text() == big
    assert fixed(project / "small.py")
    assert sorted(os.listdir(project)) == ["big.py", "small.py"], "no temporary file left"
    assert "Fixed 1 finding in 1 file; 1 remaining." in result.err


def test_fix_writes_a_file_whose_name_is_near_the_length_limit(project):
    name = "m" * 250 + ".py"
    write(project, {name: BARE})
    result = run_cli("fix")
    assert result.code == 0, result.err
    assert fixed(project / name)


@pytest.mark.parametrize(
    ("command", "summary"),
    [("check", "Found 1 finding"), ("fix", "Fixed 1 finding in 1 file; 0 remaining.")],
)
def test_a_missing_path_is_an_error_and_the_other_paths_are_still_done(project, command, summary):
    write(project, {"a.py": BARE, "pkg/b.py": CLEAN})
    result = run_cli(command, "missing.py", "a.py", "other_dir", "pkg")
    assert result.code == 2
    assert "errguard: error: missing.py: no such file or directory" in result.err
    assert "errguard: error: other_dir: no such file or directory" in result.err
    assert summary in result.err


@pytest.mark.parametrize(
    ("arguments", "origin"),
    [
        (["check", "--select", ""], "--select ''"),
        (["check", "--select", ","], "--select ''"),
        (["fix", "--select", ""], "--select ''"),
        (["check", "--select", "EG4", "--ignore", "EG4"], "--select EG4 with ignore = EG4"),
        (["check", "--ignore", "EG"], "the default selection with ignore = EG"),
    ],
)
def test_selecting_nothing_is_a_usage_error(project, arguments, origin):
    write(project, {"a.py": BARE})
    result = run_cli(*arguments)
    assert result.code == 2
    assert f"errguard: error: {origin} {NOTHING_SELECTED}" in result.err
    assert result.out == ""
    assert (project / "a.py").read_text() == BARE


def test_selecting_only_an_opt_in_prefix_says_opt_in_rules_need_their_code(project):
    write(project, {"a.py": CLEAN})
    result = run_cli("check", "--select", "EG5", "--ignore", "EG501")
    assert result.code == 2
    assert "(opt-in rules such as EG502 need their full code)" in result.err


def test_a_selector_that_matches_no_rule_is_a_usage_error(project):
    write(project, {"a.py": BARE})
    result = run_cli("check", "--select", "EG9")
    assert result.code == 2
    assert "'EG9' matches no errguard rule" in result.err


def test_selections_that_select_something_still_run(project):
    write(project, {"a.py": BARE + SWALLOW})
    # A more specific select wins over a broader ignore: EG101 runs (and finds nothing here).
    narrow = run_cli("check", "--select", "EG101", "--ignore", "EG1")
    assert (narrow.code, narrow.err) == (0, "All checks passed (1 file checked).\n")
    # An empty --extend-select adds nothing and takes nothing away.
    extended = run_cli("check", "--extend-select", "", "--format", "concise")
    assert [line.split()[1] for line in extended.out.splitlines()] == ["EG401", "EG402"]


def test_an_empty_select_in_the_config_file_is_an_error_naming_the_key(project):
    write(project, {"pyproject.toml": "[tool.errguard]\nselect = []\n", "a.py": BARE})
    result = run_cli("check")
    assert result.code == 2
    config = project / "pyproject.toml"
    assert f"errguard: error: {config}: [tool.errguard] select = [] {NOTHING_SELECTED}" in (
        result.err
    )
    # The command line replaces the configured selection, and extend-select adds to it.
    assert run_cli("check", "--select", "EG401").code == 1
    write(project, {"pyproject.toml": '[tool.errguard]\nselect = []\nextend-select = ["EG401"]\n'})
    assert run_cli("check").out.startswith("a.py:3:1: EG401")


def sarif_locations(document):
    """Each result's file as a path, resolved through the run's declared URI bases."""
    run = document["runs"][0]
    bases = {name: base["uri"] for name, base in run["originalUriBaseIds"].items()}
    paths = []
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        uri = urljoin(bases[location["uriBaseId"]], location["uri"])
        paths.append(Path(unquote(urlparse(uri).path)))
    return paths


@pytest.fixture
def sarif_project(project):
    write(
        project, {"pyproject.toml": "[tool.errguard]\n", "pkg/mod.py": BARE, "pkg/my mod.py": BARE}
    )
    return project


def test_sarif_locations_are_relative_to_the_project_root(sarif_project):
    root = sarif_project.resolve()
    document = json.loads(run_cli("check", "--format", "sarif").out)
    run = document["runs"][0]
    assert run["originalUriBaseIds"]["PROJECTROOT"]["uri"] == root.as_uri() + "/"
    first, second = run["results"]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "pkg/mod.py",
        "uriBaseId": "PROJECTROOT",
    }
    changes = first["fixes"][0]["artifactChanges"][0]
    assert changes["artifactLocation"] == {"uri": "pkg/mod.py", "uriBaseId": "PROJECTROOT"}
    location = second["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "pkg/my%20mod.py"
    assert sarif_locations(document) == [root / "pkg/mod.py", root / "pkg/my mod.py"]


def test_sarif_is_the_same_from_a_subdirectory_and_from_outside_the_project(
    sarif_project, tmp_path_factory, monkeypatch
):
    from_root = run_cli("check", "--format", "sarif", "pkg")
    monkeypatch.chdir(sarif_project / "pkg")
    from_inside = run_cli("check", "--format", "sarif", ".")
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    from_outside = run_cli("check", "--format", "sarif", sarif_project / "pkg")
    assert from_root.code == from_inside.code == from_outside.code == 1
    assert from_inside.out == from_root.out
    assert from_outside.out == from_root.out


def test_sarif_gives_a_file_outside_the_project_root_an_absolute_uri(project, tmp_path_factory):
    write(project, {"pyproject.toml": "[tool.errguard]\n"})
    outside = tmp_path_factory.mktemp("outside") / "loose.py"
    outside.write_text(BARE)
    document = json.loads(
        run_cli("check", "--format", "sarif", outside, "--config", "pyproject.toml").out
    )
    (result,) = document["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": outside.resolve().as_uri()}


# A cycle that crashes when shop.tasks is imported first, reported in both modules; the safe
# fix in tasks.py (the import is for annotations only) settles the finding in models.py too.
CROSS_FILE_TREE = {
    "pyproject.toml": "[tool.errguard]\n",
    "shop/__init__.py": "",
    "shop/models.py": """
        from django.db import models


        class Order(models.Model):
            total = models.IntegerField()


        from shop.tasks import notify  # noqa: E402
        """,
    "shop/tasks.py": """
        import logging

        from shop.models import Order

        logger = logging.getLogger(__name__)


        def notify(order: Order) -> None:
            logger.info("order %s", order.pk)
        """,
    # A lost update (unsafe fix only), a swallowed exception (no fix), a bare except (safe).
    "shop/stock.py": """
        from shop.models import Order


        def add(order_id, amount):
            order = Order.objects.get(pk=order_id)
            order.total += amount
            order.save()


        def ship(order):
            try:
                order.ship()
            except Exception:
                pass
            try:
                order.notify()
            except:
                order.log.warning("not notified")
        """,
}
SUMMARY = re.compile(
    r"^(?:Would fix|Fixed) (\d+) findings? in (\d+) files?; (\d+) remaining\.$", re.M
)


def summary_counts(result):
    match = SUMMARY.search(result.err)
    assert match, result.err
    return tuple(int(number) for number in match.groups())


@pytest.mark.parametrize(("options", "counts"), [((), (2, 2, 2)), (("--unsafe-fixes",), (3, 2, 1))])
def test_fix_and_fix_diff_report_the_same_remaining_count(project, options, counts):
    write(project, CROSS_FILE_TREE)
    assert run_cli("check").err.startswith("Found 5 findings")
    would = run_cli("fix", "--diff", *options)
    did = run_cli("fix", "--format", "concise", *options)
    assert summary_counts(would) == summary_counts(did) == counts
    assert len(did.out.splitlines()) == counts[2]
    # What remains is what a check of the fixed tree finds, shown the same way.
    assert run_cli("check", "--format", "concise").out == did.out
    assert run_cli("check").out == run_cli("fix").out


def test_fix_diff_counts_the_same_in_worker_processes(project):
    write(project, {**CROSS_FILE_TREE, **{f"shop/m{index:02}.py": CLEAN for index in range(70)}})
    assert summary_counts(run_cli("fix", "--diff", "--jobs", "2")) == (2, 2, 2)


def test_fix_diff_leaves_the_cache_to_the_files_on_disk(project):
    write(project, CROSS_FILE_TREE)
    run_cli("check")
    cache = project / ".errguard_cache"
    before = {path.name: path.read_bytes() for path in cache.iterdir()}
    assert run_cli("fix", "--diff").code == 1
    assert {path.name: path.read_bytes() for path in cache.iterdir()} == before


def test_rules_says_opt_in_once_per_opt_in_rule(cli):
    listing = cli("rules").out.splitlines()
    entries = json.loads(cli("rules", "--format", "json").out)
    opt_in = {entry["code"] for entry in entries if not entry["default"]}
    assert opt_in, "at least one opt-in rule (EG502)"
    for line in listing:
        assert line.count("opt-in") == (line.split()[0] in opt_in), line
    assert not [entry["code"] for entry in entries if "opt-in" in entry["summary"]]


def test_a_file_over_max_file_size_is_skipped_with_a_note(tmp_path, monkeypatch):
    """Generated or vendored data (a 20 MB module) is not code anyone fixes: no runaway run."""
    bare = "try:\n    x()\nexcept:\n    pass\n"
    (tmp_path / "pyproject.toml").write_text("[tool.errguard]\nmax-file-size = 0.01\n")
    (tmp_path / "data.py").write_text(bare * 1000)  # 30,000 bytes
    (tmp_path / "small.py").write_text(bare)
    monkeypatch.chdir(tmp_path)

    walked = run_cli("check", ".")
    named = run_cli("check", "data.py")

    assert walked.code == 1
    assert walked.out.count(" EG401 ") == 1
    assert "small.py:3:1: EG401" in walked.out
    note = "errguard: note: data.py: skipped, 0.0286 MB is over max-file-size (0.01 MB;"
    assert note in walked.err
    assert named.code == 0
    assert note in named.err


@pytest.mark.parametrize("value", ["0", "-1", '"10MB"', "true"])
def test_max_file_size_must_be_a_positive_number(tmp_path, monkeypatch, value):
    (tmp_path / "pyproject.toml").write_text(f"[tool.errguard]\nmax-file-size = {value}\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", ".")
    assert result.code == 2
    assert "max-file-size must be a positive number of megabytes" in result.err
