"""EG002 through the real CLI: only the codes of rules that ran are judged, and the fix keeps
what other tools need."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.test_cli import write

HANDLERS = """\
try:
    x()
except:  # noqa: EG401
    log.warning("x")
try:
    x()
except Exception:  # noqa: EG401, E722  # was a bare except
    log.exception("x")
try:
    x()
except Exception:  # noqa: EG4
    pass
count = 1  # noqa: EG101
"""


def test_is_opt_in(project):
    write(project, {"a.py": HANDLERS})
    assert "EG002" not in run_cli("check", "--format", "concise").out
    assert "EG002" in run_cli("check", "--format", "concise", "--extend-select", "EG002").out


def test_only_the_codes_of_rules_that_ran_are_judged(project):
    write(project, {"a.py": HANDLERS})
    # EG101 runs by default: its noqa on a line without an N+1 is unused. EG4 silences the
    # EG402 on line 11; the EG401 on line 3 is used.
    result = run_cli("check", "--extend-select", "EG002", "--format", "json")
    assert [(v["line"], v["message"]) for v in json.loads(result.out)] == [
        (7, "unused `noqa` directive (unused: `EG401`)"),
        (13, "unused `noqa` directive (unused: `EG101`)"),
    ]
    # Without EG101 and EG402 selected, their codes (and the prefix EG4 that covers EG402)
    # are not judged.
    result = run_cli("check", "--format", "concise", "--select", "EG401,EG002")
    assert [line.split(" ", 1)[0] for line in result.out.splitlines()] == ["a.py:7:20:"]


def test_per_file_ignores_take_codes_out_of_judgement(project):
    write(
        project,
        {
            "a.py": HANDLERS,
            "pyproject.toml": '[tool.errguard]\nper-file-ignores = { "a.py" = ["EG1"] }\n',
        },
    )
    result = run_cli("check", "--format", "concise", "--extend-select", "EG002")
    assert [line.split(" ", 1)[0] for line in result.out.splitlines()] == ["a.py:7:20:"]


def test_unknown_codes_and_noqa_of_eg002_itself(project):
    write(project, {"a.py": "a = 1  # noqa: EG999, EG002\nb = 2  # noqa: EG999\n"})
    result = run_cli("check", "--format", "concise", "--extend-select", "EG002")
    # The first line's finding is silenced by its own EG002, as ruff's RUF100 by RUF100.
    assert result.out == "a.py:2:8: EG002 unused `noqa` directive (unknown: `EG999`)\n"


def test_fix_removes_only_the_stale_codes_and_is_idempotent(project):
    write(project, {"a.py": HANDLERS})
    result = run_cli("fix", "--extend-select", "EG002")
    assert result.code == 0, result.out + result.err
    assert (project / "a.py").read_text() == HANDLERS.replace(
        "  # noqa: EG401, E722  # was a bare except", "  # noqa: E722  # was a bare except"
    ).replace("count = 1  # noqa: EG101", "count = 1")
    assert run_cli("check", "--format", "concise", "--extend-select", "EG002").code == 0
    again = run_cli("fix", "--extend-select", "EG002")
    assert "Fixed 0 findings" in again.err


def test_fix_keeps_crlf_line_endings(project):
    (project / "a.py").write_bytes(b"a = 1  # noqa: EG999\r\nb = 2  # noqa: E501, EG999\r\n")
    assert run_cli("fix", "--extend-select", "EG002").code == 0
    assert (project / "a.py").read_bytes() == b"a = 1\r\nb = 2  # noqa: E501\r\n"


def test_json_output_carries_the_fix_edit(project):
    write(project, {"a.py": "a = 1  # noqa: E501, EG999\n"})
    (finding,) = json.loads(run_cli("check", "--select", "EG002", "--format", "json").out)
    assert finding["fix"]["applicability"] == "safe"
    assert finding["fix"]["message"] == "Remove the unused codes"


def test_fixed_after_the_code_it_is_about(project):
    """EG402 does not fire on a bare ``except:``, so its code is unused, until EG401's fix makes
    the handler ``except Exception:``: the noqa code is judged again after that fix."""
    write(project, {"a.py": "try:\n    x()\nexcept:  # noqa: EG402\n    pass\n"})
    assert (
        "unused: `EG402`" in run_cli("check", "--format", "concise", "--extend-select", "EG002").out
    )
    result = run_cli("fix", "--extend-select", "EG002")
    assert result.code == 0, result.out
    assert (
        project / "a.py"
    ).read_text() == "try:\n    x()\nexcept Exception:  # noqa: EG402\n    pass\n"
