"""Checks that the project's other linters were told to skip, project-wide.

A rule that is the same check as one of flake8's, ruff's or pylint's (EG401 is pycodestyle's
E722 and pylint's ``bare-except``) is left to the team's decision: when their configuration
ignores that check for the whole project, the rule is off unless selected by its full code.
Line-level ``# noqa: E722`` is the same decision for one line
(``rules/exceptions/_handlers.acknowledged``).

Each linter's nearest configuration above the checked paths counts, as each tool would read
it: flake8's ``[flake8]`` section of ``setup.cfg``, ``tox.ini`` or ``.flake8``; ruff's
``ruff.toml``, ``.ruff.toml`` or ``[tool.ruff]`` of ``pyproject.toml``; pylint's
``pylintrc``, ``.pylintrc`` or ``[tool.pylint]`` of ``pyproject.toml``. The walk up stops at
the repository's root (or below the home directory). An unreadable or malformed file counts
as no configuration: this never stops a run.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from errguard.fileio import read_regular

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_REPOSITORY_MARKERS = (".git", ".hg")
_FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")
_RUFF_FILES = (".ruff.toml", "ruff.toml", "pyproject.toml")
_PYLINT_FILES = ("pylintrc", ".pylintrc", "pyproject.toml")
_IGNORE_KEYS = ("ignore", "extend-ignore", "extend_ignore")
_CODE = re.compile(r"[A-Z]+[0-9]*")
_PYLINT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")

Ignored = dict[str, str]
"""An ignored code (a prefix for flake8 and ruff) or pylint name -> where it is ignored."""


def ignored_checks(start: Path) -> tuple[Ignored, Ignored]:
    """The codes flake8 and ruff ignore (prefixes), and the messages pylint disables."""
    directories = list(_upwards(start))
    prefixes = _nearest(directories, _FLAKE8_FILES, _flake8)
    prefixes.update(_nearest(directories, _RUFF_FILES, _ruff))
    return prefixes, _nearest(directories, _PYLINT_FILES, _pylint)


def ignored_by(same_check: Iterable[str], ignored: tuple[Ignored, Ignored]) -> str | None:
    """Where another linter's configuration ignores one of ``same_check``, or None."""
    prefixes, pylint = ignored
    for name in same_check:
        for prefix, origin in prefixes.items():
            if name.startswith(prefix):
                return f"{origin} lists {prefix}"
        if name in pylint:
            return f"{pylint[name]} lists {name}"
    return None


def _upwards(start: Path) -> Iterator[Path]:
    """``start`` and its parents, up to the repository's root; never the home directory (as
    flake8 stops before it: a personal config there is not the project's decision)."""
    directory = start if os.path.isdir(start) else start.parent
    home = Path.home()
    for candidate in (directory, *directory.parents):
        if candidate == home:
            return
        yield candidate
        if any(os.path.exists(candidate / marker) for marker in _REPOSITORY_MARKERS):
            return


def _nearest(
    directories: list[Path], names: tuple[str, ...], read: Callable[[Path], Ignored | None]
) -> Ignored:
    """What the nearest file that configures the linter ignores (nothing if none does)."""
    for directory in directories:
        for name in names:
            path = directory / name
            if os.path.isfile(path):
                found = read(path)
                if found is not None:
                    return found
    return {}


def _text(path: Path) -> str | None:
    try:
        return read_regular(path).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _ini_section(path: Path, sections: Iterable[str]) -> configparser.SectionProxy | None:
    text = _text(path)
    if text is None:
        return None
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error:
        return None
    return next((parser[name] for name in sections if parser.has_section(name)), None)


def _flake8(path: Path) -> Ignored | None:
    section = _ini_section(path, ("flake8",))
    if section is None:
        return None
    return {
        code: f"{path.name} [flake8] {key}"
        for key in _IGNORE_KEYS
        for code in _codes(section.get(key, ""))
    }


def _codes(value: str) -> list[str]:
    """The codes of a flake8 list: commas or whitespace between, ``#`` comments on lines."""
    return [
        code for line in value.splitlines() for code in _CODE.findall(line.split("#", 1)[0].upper())
    ]


def _toml(path: Path) -> dict[str, Any] | None:
    text = _text(path)
    if text is None:
        return None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    return data


def _ruff(path: Path) -> Ignored | None:
    data = _toml(path)
    if data is None:
        return None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("ruff")
        if not isinstance(data, dict):
            return None
    tables = {"": data, "lint.": data.get("lint", {})}
    found: Ignored = {}
    for prefix, table in tables.items():
        if not isinstance(table, dict):
            continue
        for key in ("ignore", "extend-ignore"):
            codes = table.get(key, [])
            if isinstance(codes, list):
                for code in codes:
                    if isinstance(code, str) and code.isalnum():
                        found[code.upper()] = f"{path.name} ruff {prefix}{key}"
    return found


def _pylint(path: Path) -> Ignored | None:
    if path.name == "pyproject.toml":
        return _pylint_toml(path)
    section = _ini_section(path, ("MESSAGES CONTROL", "messages control", "MESSAGES_CONTROL"))
    if section is None:
        return None
    names = _PYLINT_NAME.findall(section.get("disable", ""))
    return dict.fromkeys(names, f"{path.name} [MESSAGES CONTROL] disable")


def _pylint_toml(path: Path) -> Ignored | None:
    data = _toml(path)
    pylint = None if data is None else data.get("tool", {}).get("pylint")
    if not isinstance(pylint, dict):
        return None
    found: Ignored = {}
    for table_name in ("messages control", "messages_control", "MESSAGES CONTROL"):
        table = pylint.get(table_name)
        if not isinstance(table, dict):
            continue
        disabled = table.get("disable", [])
        names = disabled if isinstance(disabled, list) else _PYLINT_NAME.findall(str(disabled))
        origin = f"{path.name} [tool.pylint.{table_name!r}] disable"
        found.update({name: origin for name in names if isinstance(name, str)})
    return found
