from __future__ import annotations

import pytest

from errguard.detect.noqa import LogicalLines, filter_noqa, is_suppressed
from errguard.models import Violation


@pytest.mark.parametrize(
    ("comment", "code", "suppressed"),
    [
        ("x  # noqa", "EG401", True),
        ("x  # NOQA", "EG401", True),
        ("x  # noqa: EG401", "EG401", True),
        ("x  # noqa:EG401,EG402", "EG402", True),
        ("x  # noqa: EG401 EG402", "EG402", True),
        ("x  # noqa: EG4", "EG401", True),
        ("x  # noqa: EG402", "EG401", False),
        ("x  # noqa: E722", "EG401", False),
        # flake8 reads "# noqa : X" as a blanket noqa: the code list must follow the colon.
        ("x  # noqa : EG402", "EG401", True),
        ("x  # not a noqa", "EG401", False),
        ("x  # noqa:eg401", "EG401", False),
    ],
)
def test_inline_noqa_semantics(comment, code, suppressed):
    assert is_suppressed(code, comment) is suppressed


def _violation(line):
    return Violation("EG404", "m", line, 1, line, 2)


def test_noqa_spans_multiline_strings_and_backslash_continuations():
    text = 'x = f("""\n{a}\n""")  # noqa: EG404\ny = 1 + \\\n    2  # noqa\nother()\n'
    lines = text.splitlines(keepends=True)
    logical = LogicalLines(text, lines)
    assert logical.text(1) == logical.text(3) == "".join(lines[:3])
    assert logical.text(4) == "".join(lines[3:5])
    kept = filter_noqa([_violation(n) for n in (1, 2, 4, 6)], text, lines)
    assert [v.line for v in kept] == [6]


def test_noqa_does_not_span_bracketed_continuation_lines():
    """flake8 ends a range at every NL token, so a call split over lines is not one unit."""
    text = "call(\n    a,\n    b)  # noqa: EG404\n"
    lines = text.splitlines(keepends=True)
    kept = filter_noqa([_violation(1), _violation(3)], text, lines)
    assert [v.line for v in kept] == [1]


def test_file_level_noqa():
    text = "# flake8: noqa\nx = 1\n"
    assert filter_noqa([_violation(2)], text, text.splitlines(keepends=True)) == []
    # Like flake8, the file-level marker must stand on its own line.
    text = "x = 1  # flake8: noqa\n"
    assert len(filter_noqa([_violation(1)], text, text.splitlines(keepends=True))) == 1
    text = "x = 1  # errguard: noqa: mentioned mid-line only\ny = 2\n"
    assert len(filter_noqa([_violation(2)], text, text.splitlines(keepends=True))) == 1
