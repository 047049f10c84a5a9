"""The example shop copied into a temporary directory, and the edits people make to code."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_cli
from tests.example_problems import EXAMPLE

BASELINE = "errguard-baseline.json"
# A new N+1 in the order reports: the one finding a baseline must let through.
NEW_N_PLUS_ONE = """

def customer_names():
    return [order.customer.name for order in Order.objects.all()]
"""


def copy_shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop_project"
    ignored = shutil.ignore_patterns("__pycache__", ".errguard_cache", "*.sqlite3", BASELINE)
    shutil.copytree(EXAMPLE, root, ignore=ignored)
    return root


def configure_baseline(root: Path) -> None:
    with (root / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[tool.errguard]\nbaseline = "{BASELINE}"\n')


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there, once) with ``new``."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path.name} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def insert_above(path: Path, anchor: str, lines: str) -> None:
    """Put ``lines`` before the line starting with ``anchor``."""
    edit(path, f"\n{anchor}", f"\n{lines}{anchor}")


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


def reindent(path: Path, width: int) -> None:
    """Indent by ``width`` spaces a level instead of four (inside brackets too)."""
    text = path.read_text(encoding="utf-8")

    def narrower(match: re.Match[str]) -> str:
        return " " * (len(match.group(0)) // 4 * width + len(match.group(0)) % 4)

    path.write_text(re.sub(r"(?m)^ +", narrower, text), encoding="utf-8")


def rename(root: Path, old: str, new: str) -> None:
    """Rename an identifier everywhere in the project's Python files."""
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        renamed = re.sub(rf"\b{re.escape(old)}\b", new, text)
        if renamed != text:
            path.write_text(renamed, encoding="utf-8")


def move(root: Path, old: str, new: str) -> None:
    """Move a module to another package, creating the package, and update its imports."""
    target = root / new
    target.parent.mkdir(parents=True, exist_ok=True)
    (target.parent / "__init__.py").touch()
    (root / old).rename(target)
    dotted = [name.removesuffix(".py").replace("/", ".") for name in (old, new)]
    rename(root, *dotted)


def findings(*args: str) -> list[tuple[str, int, str]]:
    """(path, line, code) of what ``errguard check`` reports, through the real CLI."""
    result = run_cli("check", "--format", "json", *args)
    assert result.code in (0, 1), result.err
    return [(v["path"], v["line"], v["code"]) for v in json.loads(result.out)]


def recorded(root: Path) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = json.loads((root / BASELINE).read_text())["findings"]
    return entries


def flake8(root: Path) -> list[str]:
    """What flake8 (with the errguard plugin) reports in ``root``, one line each."""
    command = [sys.executable, "-m", "flake8", "--isolated", "--select", "EG", "."]
    completed = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert not completed.stderr, completed.stderr
    return completed.stdout.splitlines()
