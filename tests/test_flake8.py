"""The flake8 plugin, run through the real ``flake8`` executable, agrees with ``errguard check``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from errguard.registry import load_rules
from tests.conftest import run_cli

pytest.importorskip("flake8")

NOQA_CASES = {
    "noqa_forms.py": """
        from django.http import JsonResponse

        def a():
            try:
                x()
            except:  # noqa:EG401
                log.error("e")
            try:
                x()
            except:  # noqa : EG402
                log.error("e")
            try:
                x()
            except:  # noqa: EG402
                log.error("e")
            try:
                x()
            except Exception:  # NoQA: eg402
                pass
            try:
                x()
            except Exception:  # noqa: EG4
                pass

        def view(request):
            try:
                x()
            except Exception as e:
                return JsonResponse(
                    {"error": str(e)},
                    status=500)  # noqa: EG404
        """,
    "multiline_string.py": '''
        def f():
            try:
                x()
            except:
                log.error("""
                    a long message
                """)  # noqa
        ''',
    "file_level.py": """
        # errguard: noqa
        try:
            x()
        except:
            pass
        """,
}


def _corpus(root):
    """Every rule example as a file; examples with modules of their own get a project each."""
    files = {name: textwrap.dedent(text) for name, text in NOQA_CASES.items()}
    for code, rule in load_rules().items():
        for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID)):
            for index, example in enumerate(examples):
                name = f"{code}_{kind}_{index}"
                if "\0" in example.source and sys.version_info < (3, 12):
                    continue  # flake8 crashes on a null byte where ast.parse raises ValueError
                if not example.files:
                    files[f"{name}.py"] = example.source
                    continue
                files[f"{name}/pyproject.toml"] = "[project]\nname = 'example'\n"
                files.update({f"{name}/{path}": text for path, text in example.files.items()})
                files[f"{name}/example.py"] = example.source
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return files


def _flake8(root, *args):
    command = [sys.executable, "-m", "flake8", "--isolated", *args, "."]
    completed = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert not completed.stderr, completed.stderr
    return completed


def test_flake8_registers_the_plugin():
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True, check=True
    )
    assert "errguard" in completed.stdout


def test_flake8_and_cli_report_identical_findings(project):
    _corpus(project)
    output = _flake8(
        project, "--select", "EG", "--format", "%(path)s|%(row)d|%(col)d|%(code)s|%(text)s"
    )
    from_flake8 = set()
    for line in output.stdout.splitlines():
        path, row, col, code, message = line.split("|", 4)
        from_flake8.add((path.removeprefix("./"), int(row), int(col), code, message))
    cli = run_cli("check", "--format", "json")
    from_cli = {
        (v["path"], v["line"], v["column"], v["code"], v["message"])
        for v in json.loads(cli.out)
        if v["code"] != "EG001"  # flake8 reports unparsable files itself, as E999
    }
    assert from_cli, "the corpus must produce findings"
    assert from_flake8 == from_cli
    codes = {finding[3] for finding in from_cli}
    assert {"EG101", "EG102", "EG401", "EG402", "EG404"} <= codes


def test_flake8_reports_unparsable_files_as_e999(project):
    (project / "broken.py").write_text("def f(:\n")
    output = _flake8(project, "--select", "E999,EG")
    assert output.stdout.startswith("./broken.py:1:")
    assert "E999" in output.stdout
    assert run_cli("check").out.startswith("broken.py:1:7: EG001")


def test_flake8_honours_errguard_config(project):
    (project / "a.py").write_text("try:\n    x()\nexcept:\n    log.error('e')\n")
    (project / "pyproject.toml").write_text('[tool.errguard]\nignore = ["EG401"]\n')
    assert _flake8(project, "--select", "EG").stdout == ""
    (project / "pyproject.toml").write_text(
        '[tool.errguard]\nper-file-ignores = { "a.py" = ["EG4"] }\n'
    )
    assert _flake8(project, "--select", "EG").stdout == ""


# A rule that crashes on one file of the tree: what a bug in errguard looks like to flake8.
CRASHING_RULE = """
import sys
from flake8.main.cli import main
from errguard.rules.exceptions.bare_except import BareExcept

visit = BareExcept.visit_ExceptHandler

def crash_on_boom(self, node, ctx):
    if ctx.path.endswith("boom.py"):
        raise ValueError("boom")
    return visit(self, node, ctx)

BareExcept.visit_ExceptHandler = crash_on_boom
sys.exit(main(sys.argv[1:]))
"""
BARE = "try:\n    x()\nexcept:\n    log.error('e')\n"
SWALLOW = "try:\n    x()\nexcept Exception:\n    pass\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_internal_error_in_one_file_is_eg000_and_flake8_goes_on(project, jobs):
    (project / "boom.py").write_text(BARE + SWALLOW)
    (project / "other.py").write_text(BARE)
    command = [sys.executable, "-c", CRASHING_RULE, "--isolated", "-j", jobs, "--select", "EG", "."]
    completed = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode == 1
    lines = completed.stdout.splitlines()
    # The crashing rule runs on each handler of boom.py; the other rules still report there.
    assert lines[0] == "./boom.py:3:1: EG000 internal error in EG401: ValueError: boom"
    assert [line.split(" ", 2)[:2] for line in lines[1:]] == [
        ["./boom.py:7:1:", "EG000"],
        ["./boom.py:7:8:", "EG402"],
        ["./other.py:3:1:", "EG401"],
    ]


def test_an_invalid_errguard_config_is_eg000_on_its_files_only(project):
    (project / "ok").mkdir()
    (project / "ok" / "a.py").write_text(BARE)
    (project / "bad").mkdir()
    (project / "bad" / "pyproject.toml").write_text('[tool.errguard]\nselect = ["EG999"]\n')
    (project / "bad" / "b.py").write_text(BARE)
    output = _flake8(project, "--select", "EG")
    lines = output.stdout.splitlines()
    assert lines[0].startswith("./bad/b.py:1:1: EG000 errguard cannot check this file: ")
    assert "'EG999' matches no errguard rule" in lines[0]
    assert [line.split(" ", 1)[0] for line in lines[1:]] == ["./ok/a.py:3:1:"]
