"""A generated 20 MB module under a 2 GiB address-space limit: ``errguard check`` ends with a
documented outcome every time. By default the file is over ``max-file-size`` and skipped with
a note; with the limit raised it is analysed within the memory limit (memory grows linearly
with a file's functions: it once grew with their square, and 16,000 N+1 functions were a
MemoryError under this limit); and a file whose syntax tree alone does not fit is EG001, not a
crash."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.test_cli import BARE, write
from tests.test_robustness import _n_plus_one_functions

MEMORY_LIMIT = 2 * 1024**3
SIZE = 20 * 1024 * 1024
N_PLUS_ONE_FUNCTIONS = 16_000  # a MemoryError under the limit when memory grew with their square


def _generated_module() -> str:
    """What generators write: code (here thousands of N+1 loops calling each other) and data
    (serialized descriptors, embedded assets, tables) in string constants, 20 MB in all."""
    code = _n_plus_one_functions(N_PLUS_ONE_FUNCTIONS)
    row = "0123456789abcdef" * 64
    line_length = len(f'BLOB_{0:07d} = "{row}"\n')
    rows = (SIZE - len(code)) // line_length + 1
    data = "".join(f'BLOB_{index:07d} = "{row}"\n' for index in range(rows))
    return code + "\n" + data


def _dense_code() -> str:
    """20 MB of statements: more syntax tree than fits in 2 GiB."""
    line = "value = first(second, third) + fourth[fifth] * sixth.seventh\n"
    return line * (SIZE // len(line) + 1)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _check_under_limit(root: Path) -> CliResult:
    completed = subprocess.run(
        [sys.executable, "-m", "errguard", "check", "--no-cache", "--format", "concise"],
        cwd=root,
        capture_output=True,
        text=True,
        preexec_fn=_limit_memory,
        timeout=300,
        check=False,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture(scope="module")
def generated() -> str:
    text = _generated_module()
    assert len(text) >= SIZE
    return text


def test_a_20_mb_file_is_skipped_by_max_file_size_by_default(project, generated):
    write(project, {"pyproject.toml": "", "a.py": BARE})
    (project / "generated.py").write_text(generated)
    result = _check_under_limit(project)
    assert result.code == 1, result.err
    assert "errguard: note: generated.py: skipped, 20 MB is over max-file-size (10 MB" in result.err
    assert [line.split(" ")[:2] for line in result.out.splitlines()] == [["a.py:3:1:", "EG401"]]


def test_a_20_mb_file_is_analysed_within_the_memory_limit(project, generated):
    write(project, {"pyproject.toml": "[tool.errguard]\nmax-file-size = 25\n", "a.py": BARE})
    (project / "generated.py").write_text(generated)
    result = _check_under_limit(project)
    assert result.code == 1, result.err
    assert "error" not in result.err
    codes = [(line.split(":")[0], line.split(" ")[1]) for line in result.out.splitlines()]
    assert codes == [("a.py", "EG401")] + [("generated.py", "EG101")] * N_PLUS_ONE_FUNCTIONS


def test_a_20_mb_file_too_big_to_parse_in_the_limit_is_eg001(project):
    write(project, {"pyproject.toml": "[tool.errguard]\nmax-file-size = 25\n", "a.py": BARE})
    (project / "dense.py").write_text(_dense_code())
    result = _check_under_limit(project)
    assert result.code == 1, result.err
    assert "error" not in result.err
    assert result.out.splitlines()[1:] == [
        "dense.py:1:1: EG001 file cannot be parsed: file is too deeply nested or too big to "
        "parse (20 MB; the parser ran out of memory)"
    ]
