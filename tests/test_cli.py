from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from errguard import __version__
from errguard.project import forget_projects
from tests.conftest import run_cli, run_subprocess

BARE = "try:\n    x()\nexcept:\n    log.warning('x')\n"
SWALLOW = "try:\n    x()\nexcept Exception:\n    pass\n"
CLEAN = "def f():\n    return 1\n"


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_no_findings_exits_zero(project):
    write(project, {"a.py": CLEAN})
    result = run_cli("check")
    assert result.code == 0
    assert result.out == ""
    assert "All checks passed (1 file checked)." in result.err


def test_concise_format_is_one_flake8_style_line_per_finding(project):
    write(project, {"pkg/a.py": BARE, "pkg/b.py": SWALLOW})
    result = run_cli("check", "--format", "concise")
    assert result.code == 1
    # "text", the one-line format's name before "full" became the default, is the same format.
    assert run_cli("check", "--format", "text") == result
    assert result.out.splitlines() == [
        "pkg/a.py:3:1: EG401 bare `except:` also catches KeyboardInterrupt and SystemExit; "
        "catch `Exception` or the specific exceptions you expect",
        "pkg/b.py:3:8: EG402 `except Exception` swallows every error silently; log it, "
        "re-raise, or catch the specific exceptions you expect",
    ]
    assert "Found 2 findings (1 fixable with `errguard fix`)." in result.err


def test_exit_zero(project):
    write(project, {"a.py": BARE})
    result = run_cli("check", "--exit-zero")
    assert result.code == 0
    assert "EG401" in result.out


def test_paths_are_relative_to_working_directory(project):
    write(project, {"src/app/views.py": BARE})
    (project / "src").mkdir(exist_ok=True)
    result = run_cli("check", project / "src")
    assert result.out.startswith("src/app/views.py:3:1: EG401 [*] bare `except:`")


def test_select_and_ignore_prefixes(project):
    write(project, {"a.py": BARE + SWALLOW})
    assert "EG402" not in run_cli("check", "--select", "EG401").out
    assert "EG401" not in run_cli("check", "--ignore", "EG401").out
    only_402 = run_cli("check", "--format", "concise", "--select", "EG4", "--ignore", "EG401")
    assert {line.split()[1] for line in only_402.out.splitlines()} == {"EG402"}
    # A more specific select wins over a broader ignore.
    both = run_cli("check", "--format", "concise", "--ignore", "EG4", "--extend-select", "EG401")
    assert {line.split()[1] for line in both.out.splitlines()} == {"EG401"}


def test_unknown_selector_is_a_usage_error(project):
    write(project, {"a.py": CLEAN})
    result = run_cli("check", "--select", "EG999")
    assert result.code == 2
    assert "'EG999' matches no errguard rule" in result.err
    assert "Traceback" not in result.err
    malformed = run_cli("check", "--select", "E722")
    assert malformed.code == 2
    assert "is not a rule code or prefix" in malformed.err


def test_missing_path_is_a_usage_error(project):
    result = run_cli("check", "nope.py")
    assert result.code == 2
    assert "nope.py: no such file or directory" in result.err


def test_syntax_error_is_a_finding_and_other_files_are_checked(project):
    write(project, {"a_broken.py": "def f(:\n    pass\n", "b.py": BARE})
    result = run_cli("check", "--format", "concise")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith("a_broken.py:1:7: EG001 file cannot be parsed: SyntaxError:")
    assert lines[1].startswith("b.py:3:1: EG401")
    assert "Traceback" not in result.err


def test_invalid_test_data_is_not_a_parse_error(project):
    # Below tests/, a directory whose name no import can spell holds data the tests load by
    # path (a stand-in repository with deliberately broken jobs); real modules still count.
    broken = "def f(:\n    pass\n"
    write(
        project,
        {
            "app/__init__.py": "",
            "app/tests/__init__.py": "",
            "app/tests/git_data/02-invalid-files/jobs/__init__.py": broken,
            "app/tests/helpers.py": broken,
            "app/real.py": broken,
            "tools/my-scripts/run.py": broken,
        },
    )
    result = run_cli("check", "--select", "EG001", "--format", "concise")
    reported = sorted(line.split(":", 1)[0] for line in result.out.splitlines() if "EG001" in line)
    assert reported == ["app/real.py", "app/tests/helpers.py", "tools/my-scripts/run.py"]


def test_discovery_skips_vendored_and_virtualenv_directories(project):
    bad = {"x.py": BARE}
    for directory in (".git", ".tox", "build", "dist", "node_modules", "__pycache__", ".venv"):
        write(project / directory, bad)
    write(project / "myenv", {**bad, "pyvenv.cfg": "home = /usr\n"})
    write(project / "pkg.egg-info", bad)
    write(project, {"app/ok.py": CLEAN, "app/notes.txt": BARE})
    result = run_cli("check")
    assert result.code == 0, result.out
    assert "(1 file checked)" in result.err


def test_explicit_file_in_excluded_directory_is_checked_unless_forced(project):
    write(project, {"build/gen.py": BARE})
    assert run_cli("check", "build/gen.py").code == 1
    assert run_cli("check", "--force-exclude", "build/gen.py").code == 0


def test_configured_exclude(project):
    write(project, {"pyproject.toml": '[tool.errguard]\nexclude = ["legacy", "*_pb2.py"]\n'})
    write(project, {"legacy/old.py": BARE, "api_pb2.py": BARE, "app.py": BARE})
    result = run_cli("check", "--format", "concise")
    assert [line.split(":")[0] for line in result.out.splitlines()] == ["app.py"]
    assert run_cli("check", "--exclude", "app.py").code == 0


def test_json_output(project):
    write(project, {"a.py": BARE, "b.py": SWALLOW})
    result = run_cli("check", "--format", "json")
    assert result.code == 1
    items = json.loads(result.out)
    assert [item["code"] for item in items] == ["EG401", "EG402"]
    bare, swallow = items
    assert bare == {
        "path": "a.py",
        "line": 3,
        "column": 1,
        "end_line": 3,
        "end_column": 7,
        "code": "EG401",
        "rule": "bare-except",
        "message": "bare `except:` also catches KeyboardInterrupt and SystemExit; "
        "catch `Exception` or the specific exceptions you expect",
        "help": "catch `Exception` or the specific exceptions you expect",
        "fix": {
            "applicability": "safe",
            "message": "Replace `except:` with `except Exception:`",
            "edits": [
                {"content": " Exception", "line": 3, "column": 7, "end_line": 3, "end_column": 7}
            ],
        },
    }
    assert swallow["fix"] is None
    assert (swallow["column"], swallow["end_column"]) == (8, 17)


def test_sarif_output(project):
    write(project, {"a.py": BARE})
    document = json.loads(run_cli("check", "--format", "sarif").out)
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "errguard"
    assert driver["version"] == __version__
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert "EG401" in rule_ids
    eg401 = driver["rules"][rule_ids.index("EG401")]
    assert "## Why is this bad?" in eg401["help"]["markdown"]
    (result,) = run["results"]
    assert result["ruleId"] == "EG401"
    assert result["ruleIndex"] == rule_ids.index("EG401")
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "a.py"
    assert location["region"] == {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 7}
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == " Exception"


def test_github_output_escapes_properties_and_data(project):
    write(project, {"a,b.py": BARE})
    result = run_cli("check", "--format", "github")
    (line,) = result.out.splitlines()
    assert line.startswith("::error title=errguard (EG401),file=a%2Cb.py,line=3,col=1,")
    assert "endLine=3,endColumn=7::a,b.py:3:1: EG401 bare `except:`" in line


def test_noqa_in_cli(project):
    write(
        project,
        {
            "a.py": """
            try:
                x()
            except:  # noqa: EG401
                log.warning("x")
            try:
                x()
            except:  # noqa: EG4
                log.warning("x")
            try:
                x()
            except:  # noqa: EG402
                log.warning("x")
            try:
                x()
            except:  # NOQA
                log.warning("x")
            """
        },
    )
    result = run_cli("check", "--format", "concise")
    assert [line.split(":")[1] for line in result.out.splitlines()] == ["12"]


def test_per_file_ignores(project):
    write(
        project,
        {
            "pyproject.toml": """
            [tool.errguard]
            per-file-ignores = { "tests/*" = ["EG4"], "scripts/run.py" = "EG401" }
            """,
            "tests/test_a.py": BARE,
            "scripts/run.py": BARE + SWALLOW,
            "app.py": BARE,
        },
    )
    result = run_cli("check", "--format", "concise")
    found = [(line.split(":")[0], line.split()[1]) for line in result.out.splitlines()]
    assert found == [("app.py", "EG401"), ("scripts/run.py", "EG402")]


def test_config_found_walking_up_from_paths(project):
    write(project, {"pyproject.toml": '[tool.errguard]\nignore = ["EG401"]\n', "pkg/a.py": BARE})
    result = run_cli("check", "pkg")
    assert result.code == 0


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("selct = ['EG4']", "unknown key 'selct' (did you mean 'select'?)"),
        ("select = 'EG4'", "select must be a list of strings"),
        ("ignore = ['XX1']", "'XX1' is not a rule code or prefix"),
        ("exclude = [1]", "exclude must be a list of strings, got item 1"),
        ("per-file-ignores = ['a']", "per-file-ignores must be a table"),
        ("[tool.errguard.rules.EG999]\nx = 1", "rules.EG999: unknown rule code"),
        ("[tool.errguard.rules.EG402]\nreporters = []", "unknown option 'reporters'"),
        ("[tool.errguard.rules.EG402]\nextra-reporters = 'x'", "must be a list of strings"),
        ("select = [", "invalid TOML"),
    ],
)
def test_invalid_config_is_a_clear_error(project, toml, message):
    header = "" if toml.startswith("[tool.errguard.") else "[tool.errguard]\n"
    write(project, {"pyproject.toml": header + toml + "\n", "a.py": CLEAN})
    result = run_cli("check")
    assert result.code == 2
    assert message in result.err
    assert "pyproject.toml" in result.err
    assert "Traceback" not in result.err


def test_rule_option_from_config(project):
    code = """
    from ops import page
    try:
        x()
    except Exception:
        page("down")
    """
    write(project, {"a.py": code})
    assert run_cli("check").code == 1
    config = '[tool.errguard.rules.EG402]\nextra-reporters = ["ops.page"]\n'
    write(project, {"pyproject.toml": config})
    assert run_cli("check").code == 0


def test_explicit_config_option(project):
    write(project, {"conf/errguard.toml": '[tool.errguard]\nignore = ["EG4"]\n', "a.py": BARE})
    assert run_cli("check", "--config", "conf/errguard.toml").code == 0
    missing = run_cli("check", "--config", "nope.toml")
    assert missing.code == 2
    assert "config file not found" in missing.err


def test_parallel_and_serial_give_the_same_output(project):
    for index in range(80):
        write(project, {f"m{index:03}.py": BARE if index % 3 else SWALLOW})
    serial = run_cli("check", "--jobs", "1", "--format", "json")
    parallel = run_cli("check", "--jobs", "2", "--format", "json")
    assert serial.out == parallel.out
    assert len(json.loads(serial.out)) == 80


MODELS_AND_LOOP = {
    "pyproject.toml": "",
    "app/__init__.py": "",
    "app/models.py": (
        "from django.db import models\n\n\n"
        "class Author(models.Model):\n    name = models.CharField(max_length=9)\n\n\n"
        "class Book(models.Model):\n"
        "    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n\n\n"
        "def names():\n    return [book.author.name for book in Book.objects.all()]\n"
    ),
}


def test_no_cache_neither_reads_nor_writes_the_cache(project):
    write(project, MODELS_AND_LOOP)
    uncached = run_cli("check", "--no-cache", "--format", "json")
    assert not (project / ".errguard_cache").exists()
    assert "ERRGUARD_NO_CACHE" not in os.environ
    forget_projects()  # in-process runs share the memoised project; a new process would not
    cached = run_cli("check", "--format", "json")
    assert (project / ".errguard_cache" / "models.json").exists()
    assert uncached.out == cached.out
    assert [f["code"] for f in json.loads(cached.out)] == ["EG101"]


def test_explain_and_rules(project):
    explained = run_cli("explain", "eg401")
    assert explained.code == 0
    assert explained.out.startswith("# EG401: bare-except")
    assert "## Fix safety" in explained.out
    unknown = run_cli("explain", "EG123")
    assert unknown.code == 2
    assert "unknown rule code" in unknown.err
    listing = run_cli("rules")
    assert "EG401  bare-except" in listing.out
    rules = json.loads(run_cli("rules", "--format", "json").out)
    assert {"code": "EG401", "name": "bare-except", "fix": "safe", "default": True}.items() <= (
        next(rule for rule in rules if rule["code"] == "EG401").items()
    )


def test_version_help_and_usage_errors(project):
    version = run_cli("--version")
    assert version.code == 0
    helped = run_cli("check", "--help")
    assert helped.code == 0
    assert run_cli("check", "--format", "xml").code == 2
    assert run_cli().code == 2


def test_console_entry_point_runs_as_subprocess(project):
    write(project, {"a.py": BARE})
    result = run_subprocess("check", ".", cwd=project)
    assert result.code == 1
    assert result.out.startswith("a.py:3:1: EG401")
    assert run_subprocess("--version", cwd=project).out.strip() == f"errguard {__version__}"
    helped = run_subprocess("--help", cwd=project)
    assert "exit codes:" in helped.out
    assert "check" in helped.out


def test_check_works_without_the_optional_dependencies(project):
    """flake8, Django and pytest are extras: blocking their import must not matter."""
    write(project, {"a.py": BARE})
    script = (
        "import sys\n"
        "for name in ('django', 'flake8', 'pytest', 'libcst'):\n"
        "    sys.modules[name] = None\n"
        "import errguard\n"
        "from errguard.cli import main\n"
        "sys.exit(main(['check', '.']))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=project, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.startswith("a.py:3:1: EG401")
