"""``errguard check --add-noqa`` on real files: where the comment goes, what it keeps."""

from __future__ import annotations

from errguard.detect.source import SourceFile
from errguard.models import Violation
from errguard.noqa_tools import with_directives
from tests.conftest import run_cli

BEFORE = """\
try:
    x()
except:
    log.warning("x")
try:
    x()
except:  # noqa: E501
    log.warning("x")
try:
    x()
except:  # type: ignore[misc]
    log.warning("x")
try:
    x()
except \\
        Exception:
    pass
"""
AFTER = """\
try:
    x()
except:  # noqa: EG401
    log.warning("x")
try:
    x()
except:  # noqa: E501, EG401
    log.warning("x")
try:
    x()
except:  # type: ignore[misc]  # noqa: EG401
    log.warning("x")
try:
    x()
except \\
        Exception:  # noqa: EG402
    pass
"""


def test_adds_merges_and_appends_then_nothing_is_reported(project):
    (project / "a.py").write_text(BEFORE)
    result = run_cli("check", "--add-noqa")
    assert result.code == 0, result.err
    assert result.out == ""
    assert result.err == "Added 4 noqa directives for 4 findings in 1 file.\n"
    assert (project / "a.py").read_text() == AFTER
    assert run_cli("check").code == 0


def test_is_idempotent(project):
    (project / "a.py").write_text(BEFORE)
    run_cli("check", "--add-noqa")
    again = run_cli("check", "--add-noqa")
    assert again.err == "Added 0 noqa directives for 0 findings in 0 files.\n"
    assert (project / "a.py").read_text() == AFTER


def test_keeps_line_endings_encoding_and_bom(project):
    latin = "# -*- coding: latin-1 -*-\ntry:\n    x()\nexcept:\n    log.warning('é')\n"
    (project / "latin.py").write_bytes(latin.replace("\n", "\r\n").encode("latin-1"))
    bare = b"try:\n    x()\nexcept:\n    log.warning('x')\n"
    (project / "bom.py").write_bytes(b"\xef\xbb\xbf" + bare)
    assert run_cli("check", "--add-noqa").code == 0
    expected = latin.replace("except:", "except:  # noqa: EG401").replace("\n", "\r\n")
    assert (project / "latin.py").read_bytes() == expected.encode("latin-1")
    assert (project / "bom.py").read_bytes() == b"\xef\xbb\xbf" + bare.replace(
        b"except:", b"except:  # noqa: EG401"
    )


def test_several_findings_on_one_line_get_one_sorted_directive():
    source = SourceFile.from_text("x = 1  # noqa: EG402, E501\n")
    found = [Violation(code, "m", 1, 1, 1, 2) for code in ("EG401", "EG101", "EG401")]
    assert with_directives(source, found, []) == (
        "x = 1  # noqa: E501, EG101, EG401, EG402\n",
        1,
        3,
    )


def test_a_finding_inside_a_multiline_string_gets_its_comment_after_the_string():
    source = SourceFile.from_text('run("""\n    SELECT 1\n""")\nother()\n')
    text, lines, silenced = with_directives(source, [Violation("EG102", "m", 2, 5, 2, 6)], [])
    assert text == 'run("""\n    SELECT 1\n""")  # noqa: EG102\nother()\n'
    assert (lines, silenced) == (1, 1)


def test_a_noqa_in_a_string_that_governs_the_line_is_left_alone():
    """flake8 reads the first ``# noqa`` of the line's text, here inside the string: no comment
    added after it could silence the finding, so none is written."""
    code = 'log("# noqa: E501")\n'
    left: list[str] = []
    result = with_directives(
        SourceFile.from_text(code), [Violation("EG401", "m", 1, 1, 1, 2)], left
    )
    assert result == (code, 0, 0)
    assert left == [":1: EG401: an earlier `# noqa` in a string governs it"]


def test_a_finding_left_without_noqa_is_named_and_exits_1(project):
    (project / "a.py").write_text('try:\n    x()\nexcept: log("# noqa: E501")\n')
    result = run_cli("check", "--add-noqa")
    assert result.code == 1
    assert "errguard: note: no noqa added for a.py:3: EG401: an earlier" in result.err
    assert (project / "a.py").read_text() == 'try:\n    x()\nexcept: log("# noqa: E501")\n'
