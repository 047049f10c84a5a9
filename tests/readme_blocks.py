"""README.md's fenced code blocks, a matcher for the outputs it shows, and its shell commands.

Every block has a key, ``"<heading> #<n>"``: the nearest heading above it and its position
among the blocks under that heading. ``<!-- readme-test: skip (reason) -->`` on the line before
a fence marks a block no test runs. Shown outputs are compared with real ones by
:func:`assert_shows`, where ``...`` stands for text left out.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

README = REPO / "README.md"
_FENCE = re.compile(r"^```(\S*)\s*$")
_HEADING = re.compile(r"^#{1,6} \S")
_MARKER = re.compile(r"^<!-- readme-test: (.+?) -->$")
SKIP = re.compile(r"skip \((.+)\)")


@dataclass(frozen=True)
class Block:
    key: str  # "#### The sweep #2": the second block under the heading "#### The sweep"
    lang: str  # the fence's info string; "" for plain text (outputs)
    text: str
    line: int  # of the opening fence, 1-based
    marker: str | None  # the readme-test comment right before the fence


def blocks(path: Path = README) -> list[Block]:
    """Every fenced block of ``path`` in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    heading, count = "(top)", 0
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence is None:
            if _HEADING.match(line):
                heading, count = line.strip(), 0
            index += 1
            continue
        end = lines.index("```", index + 1)
        count += 1
        found.append(
            Block(
                key=f"{heading} #{count}",
                lang=fence.group(1),
                text="\n".join(lines[index + 1 : end]) + "\n",
                line=index + 1,
                marker=_marker_before(lines, index),
            )
        )
        index = end + 1
    keys = [block.key for block in found]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, f"two headings of the same name and level hold blocks: {duplicates}"
    return found


def _marker_before(lines: list[str], index: int) -> str | None:
    previous = next((line for line in reversed(lines[:index]) if line.strip()), "")
    match = _MARKER.match(previous)
    return match.group(1) if match else None


def by_key() -> dict[str, Block]:
    return {block.key: block for block in blocks()}


# Shown outputs -----------------------------------------------------------------------------

_SEPARATOR = re.compile(r"^([=_-])\1{2,} (.*?) \1{2,}$", re.MULTILINE)
_DURATION = re.compile(r" in \d+(?:\.\d+)?s(?: \(\d+:\d\d:\d\d\))?")


def normalise(text: str) -> str:
    """Without what differs from run to run or terminal to terminal: trailing spaces, the width
    of pytest's ``=== title ===`` lines and the duration of a session."""
    text = "\n".join(line.rstrip() for line in text.splitlines())
    text = _SEPARATOR.sub(lambda match: f"{match[1] * 3} {match[2]} {match[1] * 3}", text)
    return _DURATION.sub(" in <duration>", text)


def pattern_of(lines: list[str]) -> re.Pattern[str]:
    """A line of its own ``...`` stands for any lines; ``...`` in a line for any text."""
    parts = []
    for line in lines:
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(re.escape(line).replace(r"\.\.\.", ".*?") + r"\n")
    return re.compile("^" + "".join(parts), re.MULTILINE)


def assert_shows(shown: str, real: str) -> None:
    """``real`` contains, as whole consecutive lines, what ``shown`` shows."""
    lines, text = normalise(shown).splitlines(), normalise(real) + "\n"
    if pattern_of(lines).search(text):
        return
    matched = next(n for n in range(len(lines), -1, -1) if pattern_of(lines[:n]).search(text))
    raise AssertionError(
        f"README shows a line the real output lacks (after the lines before it):\n"
        f"  {lines[matched]}\nThe real output:\n{real}"
    )


# Shell commands ----------------------------------------------------------------------------


def commands(text: str) -> Iterator[tuple[str, list[str]]]:
    """``(operator, argv)`` of each command: ``operator`` is what joins it to the one before
    (``&&`` runs it only if that one succeeded; ``;`` and a new line always run it)."""
    for line in text.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&")
        lexer.whitespace_split = True
        operator, argv = ";", []
        for token in lexer:
            if token in ("&&", ";"):
                yield operator, argv
                operator, argv = token, []
            else:
                argv.append(token)
        if argv:
            yield operator, argv


Execute = Callable[[list[str], Path], tuple[int, str]]


def run_shell(text: str, cwd: Path, execute: Execute) -> tuple[int, str, Path]:
    """Run ``text`` as ``sh`` would: ``cd`` moves, ``pip install`` of this checkout is checked
    (the test environment has it installed), any other command goes to ``execute``. Returns
    the last status, everything printed, and the directory the commands ended in."""
    status, printed = 0, []
    for operator, argv in commands(text):
        if operator == "&&" and status != 0:
            continue
        if argv[0] == "cd":
            cwd, status = (cwd / argv[1]).resolve(), 0
        elif argv[:2] == ["pip", "install"]:
            check_install(argv[2:])
            status = 0
        else:
            status, output = execute(argv, cwd)
            printed.append(output)
    return status, "".join(printed), cwd


def check_install(arguments: list[str]) -> None:
    """``pip install`` names this checkout (``.``, ``-e .``, ``.[extra]``) and extras that
    exist."""
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    targets = [argument for argument in arguments if argument != "-e"]
    assert targets, arguments
    for target in targets:
        match = re.fullmatch(r"\.(?:\[([\w,-]+)\])?", target)
        assert match, f"pip install {target}: not this checkout"
        for extra in (match.group(1) or "").split(","):
            assert not extra or extra in extras, f"no extra {extra!r} in pyproject.toml"


def execute_tool(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run ``errguard``, ``flake8`` or ``pytest`` as a module of this interpreter; stdout
    first, then stderr (where ``errguard`` writes its summary), as a terminal shows them."""
    tools = {
        "errguard": ["errguard"],
        "flake8": ["flake8"],
        "pytest": ["pytest", "-p", "no:randomly"],
    }
    assert argv[0] in tools, f"no way to run {argv[0]!r} here"
    completed = subprocess.run(
        [sys.executable, "-m", *tools[argv[0]], *argv[1:]],
        cwd=cwd,
        env={name: value for name, value in os.environ.items() if name != "PYTEST_ADDOPTS"},
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.returncode, completed.stdout + completed.stderr
