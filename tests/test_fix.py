from __future__ import annotations

import ast
import os
import stat

import libcst as cst
import pytest

from errguard import fixes
from errguard.detect.engine import Engine
from errguard.detect.source import SourceFile
from errguard.edits import LineIndex, apply_edits, replacement_edit
from errguard.fixer import FixEngine, replacement_edits
from errguard.project.cache import CACHE_DIRECTORY
from errguard.registry import load_rules
from tests.conftest import run_cli

BARE_TWICE = (
    "# header comment\n"
    "try:\n"
    "    x()   # odd   spacing kept\n"
    "except:  # why we catch\n"
    "    log.warning('x')\n"
    "\n"
    "try:\n"
    "    y()\n"
    "except:\n"
    "    cleanup()\n"
    "    raise\n"
)
BARE_TWICE_FIXED = BARE_TWICE.replace("except:  # why", "except Exception:  # why").replace(
    "except:\n    cleanup", "except BaseException:\n    cleanup"
)


def test_fix_rewrites_file_and_keeps_comments(project):
    (project / "a.py").write_text(BARE_TWICE)
    result = run_cli("fix")
    assert (project / "a.py").read_text() == BARE_TWICE_FIXED
    assert result.code == 0
    assert "Fixed 2 findings in 1 file; 0 remaining." in result.err
    second = run_cli("fix")
    assert (project / "a.py").read_text() == BARE_TWICE_FIXED
    assert "Fixed 0 findings in 0 files" in second.err


def test_fix_diff_writes_nothing(project):
    path = project / "a.py"
    path.write_text(BARE_TWICE)
    before = path.stat().st_mtime_ns
    result = run_cli("fix", "--diff")
    assert result.code == 1
    assert path.read_text() == BARE_TWICE
    assert path.stat().st_mtime_ns == before
    assert "--- a/a.py\n+++ b/a.py\n" in result.out
    assert "-except:  # why we catch\n+except Exception:  # why we catch\n" in result.out
    assert "Would fix 2 findings in 1 file" in result.err


def test_fix_keeps_crlf_line_endings(project):
    path = project / "a.py"
    path.write_bytes(BARE_TWICE.replace("\n", "\r\n").encode())
    run_cli("fix")
    assert path.read_bytes() == BARE_TWICE_FIXED.replace("\n", "\r\n").encode()


def test_fix_keeps_mixed_line_endings(project):
    path = project / "a.py"
    original = "x = 1\r\ntry:\n    y()\r\nexcept:\n    log.error('e')\r\n"
    path.write_bytes(original.encode())
    run_cli("fix")
    assert path.read_bytes() == original.replace("except:", "except Exception:").encode()


def test_fix_keeps_bom(project):
    path = project / "a.py"
    path.write_bytes(b"\xef\xbb\xbf" + BARE_TWICE.encode())
    run_cli("fix")
    assert path.read_bytes() == b"\xef\xbb\xbf" + BARE_TWICE_FIXED.encode()


def test_fix_keeps_declared_encoding(project):
    path = project / "a.py"
    text = "# -*- coding: latin-1 -*-\nname = 'café'\ntry:\n    x()\nexcept:\n    log.error(name)\n"
    path.write_bytes(text.encode("latin-1"))
    run_cli("fix")
    assert path.read_bytes() == text.replace("except:", "except Exception:").encode("latin-1")


def test_fix_keeps_file_mode(project):
    path = project / "script.py"
    path.write_text(BARE_TWICE)
    path.chmod(0o751)
    run_cli("fix")
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    left = [p.name for p in project.iterdir() if p.name != CACHE_DIRECTORY]
    assert left == ["script.py"], "no temporary file left behind"


def test_fix_leaves_unparsable_files_alone(project):
    path = project / "broken.py"
    text = "try:\n    x()\nexcept:\n    pass\ndef f(:\n"
    path.write_text(text)
    result = run_cli("fix")
    assert path.read_text() == text
    assert result.code == 1
    assert "EG001" in result.out


def test_fix_with_non_ascii_before_the_finding(project):
    path = project / "a.py"
    text = "try:\n    x('é')\nexcept:  # ünïcode\n    log.error('ß')\n"
    path.write_text(text, encoding="utf-8")
    run_cli("fix")
    assert path.read_text(encoding="utf-8") == text.replace("except:", "except Exception:")


def test_fix_respects_noqa_and_selection(project):
    path = project / "a.py"
    text = "try:\n    x()\nexcept:  # noqa: EG401\n    pass\n"
    path.write_text(text)
    run_cli("fix")
    assert path.read_text() == text
    other = project / "b.py"
    other.write_text(BARE_TWICE)
    run_cli("fix", "--ignore", "EG401")
    assert other.read_text() == BARE_TWICE


class _BreakingFixer(fixes.Fixer):
    """Puts a statement where an indented block belongs: the result does not parse."""

    def fix(self, context, violation):
        handler = context.find(cst.ExceptHandler, violation.line, violation.column)
        return {handler.body: cst.SimpleStatementLine([cst.Expr(cst.Name("x"))])}


class _UselessFixer(fixes.Fixer):
    """Changes the file but leaves the finding: the engine must refuse it too."""

    def fix(self, context, violation):
        handler = context.find(cst.ExceptHandler, violation.line, violation.column)
        return {handler: handler.with_changes(whitespace_before_colon=cst.SimpleWhitespace(" "))}


@pytest.mark.parametrize("fixer", [_BreakingFixer, _UselessFixer])
def test_fix_that_breaks_code_or_keeps_its_finding_is_not_applied(monkeypatch, fixer):
    monkeypatch.setattr(fixes, "load_fixers", lambda: {"EG401": fixer()})
    rule = load_rules()["EG401"]
    engine = FixEngine(Engine([rule()]))
    result = engine.fix(SourceFile.from_text(BARE_TWICE, "a.py"))
    assert result.text == BARE_TWICE
    assert not result.changed
    assert [v.code for v in result.remaining] == ["EG401", "EG401"]


def test_unsafe_fixes_flag_is_accepted(project):
    (project / "a.py").write_text(BARE_TWICE)
    assert run_cli("fix", "--unsafe-fixes").code == 0
    assert (project / "a.py").read_text() == BARE_TWICE_FIXED


@pytest.mark.parametrize(
    ("old", "start", "end", "new", "expected"),
    [
        ("a\nb\nc\n", 2, 4, "B\n", ("B", 2, 1, 2, 2)),
        ("x = 1\r\ny = 2\r\n", 7, 14, "y = 22\r\n", ("2", 2, 6, 2, 6)),
        ("é = 1\nf(é)\n", 6, 11, "f(é, 'ü')\n", (", 'ü'", 2, 4, 2, 4)),
        ("same\n", 0, 5, "same\n", None),
    ],
)
def test_replacement_edit_is_minimal_and_round_trips(old, start, end, new, expected):
    edit = replacement_edit(old, LineIndex(old), start, end, new)
    if expected is None:
        assert edit is None
        return
    assert (edit.content, edit.line, edit.column, edit.end_line, edit.end_column) == expected
    assert apply_edits(old, [edit]) == old[:start] + new + old[end:]


def test_fix_output_always_parses_on_generated_handlers(project):
    bodies = ["pass", "raise", "return 1", "x = 1; raise", "log.error('e')"]
    text = "def f():\n" + "".join(
        f"    try:\n        g()\n    except:\n        {body}\n" for body in bodies
    )
    (project / "a.py").write_text(text)
    run_cli("fix")
    fixed = (project / "a.py").read_text()
    ast.parse(fixed)
    assert "except:" not in fixed
    assert fixed.count("except BaseException:") == 2
    assert [name for name in os.listdir(project) if name != CACHE_DIRECTORY] == ["a.py"]


def test_edits_come_in_file_order_whatever_the_order_of_replacements():
    # Fixers build replacements from sets of nodes; JSON and SARIF output must not vary.
    text = "a = 1\nb = 2\nc = 3\n"
    context = fixes.FixContext(cst.parse_module(text))
    first, second, third = context.module.body
    replacements = {node: cst.RemoveFromParent() for node in (third, first, second)}
    edits = replacement_edits(context, replacements, text, LineIndex(text))
    assert [edit.line for edit in edits] == [1, 2, 3]
    assert apply_edits(text, edits) == ""
