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
