"""The human output: the full format (snippet, caret, help), colour, the progress bar,
``explain`` on a terminal, ``--show-files`` and ``--show-settings``."""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from errguard import progress
from errguard.cli import main
from errguard.models import Applicability, Violation
from errguard.report import full
from errguard.report.color import use_color
from tests.conftest import run_cli

BARE = "try:\n    x()\nexcept:\n    log.warning('x')\n"
LOST_UPDATE = """\
from shop.models import Product


def sell(product_id, quantity):
    product = Product.objects.get(pk=product_id)
    product.stock -= quantity
    product.save()
"""
MODELS = """\
from django.db import models


class Product(models.Model):
    stock = models.IntegerField()
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_full_format_shows_the_line_a_caret_and_the_help(project):
    write(project, {"a.py": BARE})
    result = run_cli("check")
    assert result.code == 1
    assert result.out == (
        "a.py:3:1: EG401 [*] bare `except:` also catches KeyboardInterrupt and SystemExit\n"
        "  |\n"
        "3 | except:\n"
        "  | ^^^^^^\n"
        "  |\n"
        "  = help: catch `Exception` or the specific exceptions you expect\n"
    )
    assert result.err == "Found 1 finding (1 fixable with `errguard fix`).\n"


def test_findings_are_separated_by_a_blank_line_and_marked_by_their_fix(project):
    write(project, {"shop/models.py": MODELS, "shop/views.py": LOST_UPDATE, "b.py": BARE})
    result = run_cli("check")
    assert "^^^^^^\n  |\n  = help: catch `Exception` or the specific exceptions you expect\n\n" in (
        result.out
    )
    assert "\nshop/views.py:6:5: EG202 lost update: product.stock is changed" in result.out
    assert '  = help: use F("stock") (or .update())' in result.out
    unsafe = Violation("EG202", "m", 6, 5, 6, 18, "shop/views.py", fix=Applicability.UNSAFE)
    assert full.render([unsafe]).startswith("shop/views.py:6:5: EG202 [-] m\n")


def snippet(violation: Violation) -> str:
    return full.render([violation], color=False)


def finding(path: str, line: int, column: int, end_line: int, end_column: int) -> Violation:
    return Violation("EG999", "the message; the advice", line, column, end_line, end_column, path)


def test_a_multi_line_span_is_underlined_on_its_first_and_last_lines(project):
    write(project, {"m.py": "value = call(\n    first,\n    second,\n)\n"})
    assert snippet(finding("m.py", 1, 9, 4, 2)).splitlines()[1:] == [
        "  |",
        "1 | value = call(",
        "  |         ^^^^^",
        "2 |     first,",
        "3 |     second,",
        "4 | )",
        "  | ^",
        "  |",
    ]


def test_a_long_span_shows_its_first_and_last_lines(project):
    write(project, {"m.py": "".join(f"line{n} = {n}\n" for n in range(1, 21))})
    lines = snippet(finding("m.py", 2, 1, 12, 10)).splitlines()
    shown = [line.split("|")[0].strip() for line in lines[1:] if "=" in line or "..." in line]
    assert shown == ["2", "3", "4", "...", "11", "12"]


def test_tabs_control_characters_and_long_lines_keep_the_caret_in_place(project):
    long_line = "x = f(" + "a, " * 100 + "target)\n"
    (project / "t.py").write_text("\tif\x1bx:\n", encoding="utf-8")
    (project / "l.py").write_text(long_line, encoding="utf-8")
    tab = snippet(finding("t.py", 1, 2, 1, 4)).splitlines()  # "if", after the tab
    assert tab[2] == "1 |     if\ufffdx:"
    assert tab[3] == "  |     ^^"
    column = long_line.index("target") + 1
    wide = snippet(finding("l.py", 1, column, 1, column + 6)).splitlines()
    text, caret = wide[2], wide[3]
    assert len(text) < len(long_line)
    assert text[caret.index("^") : caret.index("^") + 6] == "target"


def test_help_and_headline_split_where_the_rule_joins_them():
    v = Violation("EG1", "problem at line 3; do this", 1, 1, 1, 2, help="do this")
    assert (v.headline, v.help) == ("problem at line 3", "do this")
    assert Violation("EG1", "no advice here", 1, 1, 1, 2).headline == "no advice here"


def test_a_file_that_cannot_be_read_gets_no_snippet(project):
    v = Violation("EG001", "file cannot be parsed: x", 1, 1, 1, 2, "gone.py")
    assert full.render([v]) == "gone.py:1:1: EG001 file cannot be parsed: x\n"


@pytest.mark.parametrize(
    ("choice", "environ", "tty", "expected"),
    [
        ("auto", {}, False, False),
        ("auto", {}, True, True),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False),
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_when_output_is_coloured(choice, environ, tty, expected):
    master, slave = os.openpty()
    try:
        with os.fdopen(slave, "w") as terminal:
            stream = terminal if tty else io.StringIO()
            assert use_color(choice, stream, environ) is expected
    finally:
        os.close(master)


def test_colour_is_on_with_force_color_and_off_when_piped(project, monkeypatch):
    write(project, {"a.py": BARE})
    assert "\x1b[" not in run_cli("check").out
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = run_cli("check").out
    assert "\x1b[1;31mEG401\x1b[0m" in coloured
    assert "\x1b[" not in run_cli("check", "--color", "never").out
    assert "\x1b[" not in run_cli("check", "--format", "concise").out


def read_terminal(master: int) -> str:
    """Everything written to the terminal so far (the writer has closed its end)."""
    chunks = []
    while select.select([master], [], [], 0.5)[0]:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the other end is closed and everything was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()


def run_with_terminal_stderr(*args: str) -> tuple[int, str, str]:
    master, slave = os.openpty()
    out = io.StringIO()
    try:
        with os.fdopen(slave, "w", encoding="utf-8") as terminal:
            code = main(list(args), out=out, err=terminal)
        return code, out.getvalue(), read_terminal(master)
    finally:
        os.close(master)


def test_progress_bar_on_a_terminal_is_drawn_then_erased(project, monkeypatch):
    write(project, {f"m{n}.py": "x = 1\n" for n in range(3)})
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0)
    code, out, terminal = run_with_terminal_stderr("check", "--jobs", "1")
    assert (code, out) == (0, "")
    assert "\rchecking [------------------------------] 0/3 files" in terminal
    assert "\rchecking [##############################] 3/3 files" in terminal
    # Erased before the summary, which starts on a clean line.
    assert "3/3 files\r\x1b[KAll checks passed (3 files checked)." in terminal


def test_no_progress_bar_before_the_delay(project):
    write(project, {"a.py": "x = 1\n"})
    _, _, terminal = run_with_terminal_stderr("check")
    assert "checking" not in terminal
    assert "All checks passed" in terminal


def test_no_progress_bar_when_stderr_is_piped(project, monkeypatch):
    write(project, {f"m{n}.py": "x = 1\n" for n in range(3)})
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0)
    assert run_cli("check").err == "All checks passed (3 files checked).\n"
    piped = subprocess.run(
        [sys.executable, "-m", "errguard", "check", "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert (piped.returncode, piped.stderr) == (0, "All checks passed (3 files checked).\n")


def run_with_terminal_stdout(*args: str) -> tuple[int, str]:
    master, slave = os.openpty()
    try:
        with os.fdopen(slave, "w", encoding="utf-8") as terminal:
            code = main(list(args), out=terminal, err=io.StringIO())
        return code, read_terminal(master).replace("\r\n", "\n")
    finally:
        os.close(master)


def test_explain_renders_markdown_on_a_terminal(project, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    code, page = run_with_terminal_stdout("explain", "EG401")
    assert code == 0
    assert page.startswith("EG401: bare-except\n==================\n")
    assert "\nWhat it does\n------------\n" in page
    assert "```" not in page
    assert "\n    try:\n        send_receipt(order)\n" in page
    assert not any(line.startswith("#") for line in page.splitlines())


def test_explain_in_colour_on_a_terminal(project):
    _, page = run_with_terminal_stdout("explain", "EG401")
    assert "\x1b[1;4mEG401: bare-except\x1b[0m" in page
    # Inline code in the bold summary: the bold resumes after it.
    assert "\x1b[1mBare \x1b[36mexcept:\x1b[0m\x1b[1m clause.\x1b[0m" in page
    assert "```" not in page


def test_explain_is_markdown_when_piped_or_asked(project):
    piped = run_cli("explain", "EG401").out
    assert piped.startswith("# EG401: bare-except\n")
    assert "```python\n" in piped
    _, asked = run_with_terminal_stdout("explain", "EG401", "--markdown")
    assert asked == piped


def test_show_files_lists_what_a_run_checks(project):
    write(
        project,
        {
            "pyproject.toml": '[tool.errguard]\nexclude = ["legacy"]\n',
            "app/b.py": BARE,
            "app/a.py": "x = 1\n",
            "legacy/old.py": BARE,
            "build/gen.py": BARE,
            "notes.txt": "",
        },
    )
    result = run_cli("check", "--show-files")
    assert (result.code, result.out) == (0, "app/a.py\napp/b.py\n")
    assert run_cli("check", "--show-files", "missing").code == 2


def test_show_settings_prints_the_effective_configuration(project):
    write(
        project,
        {
            "pyproject.toml": """\
            [tool.errguard]
            ignore = ["EG402"]
            exclude = ["legacy"]
            per-file-ignores = { "tests/*" = ["EG4"] }

            [tool.errguard.rules.EG402]
            extra-reporters = ["report_error"]
            """,
            "a.py": BARE,
        },
    )
    result = run_cli("check", "--show-settings", "--extend-select", "EG502")
    assert result.code == 0
    settings = dict(line.split(": ", 1) for line in result.out.splitlines())
    assert json.loads(settings["config-file"]) == str(project / "pyproject.toml")
    assert json.loads(settings["select"]) is None
    assert json.loads(settings["extend-select"]) == ["EG502"]
    assert json.loads(settings["ignore"]) == ["EG402"]
    assert json.loads(settings["exclude"]) == ["legacy"]
    assert json.loads(settings["per-file-ignores"]) == [["tests/*", ["EG4"]]]
    assert json.loads(settings["rules"]) == {"EG402": {"extra-reporters": ["report_error"]}}
    enabled = json.loads(settings["enabled-rules"])
    assert "EG502" in enabled
    assert "EG402" not in enabled
    assert "EG401" in enabled


def test_show_settings_without_a_config_file(project):
    settings = run_cli("check", "--show-settings").out
    assert 'config-file: "none (defaults)"\n' in settings
    assert f"root: {json.dumps(str(project.resolve()))}\n" in settings
