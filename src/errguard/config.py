"""``[tool.errguard]`` in ``pyproject.toml``: discovery, validation and rule selection.

Every problem with the file is a :class:`ConfigError` with a message naming the file and key;
the CLI turns it into exit code 2. Paths in the file are relative to the file's directory.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar

from errguard.fileio import read_regular
from errguard.other_linters import Ignored, ignored_by, ignored_checks

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

T = TypeVar("T", bound=str)
SELECTOR = re.compile(r"^EG\d{0,3}$")
DEFAULT_EXCLUDES = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "_build",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
    "*.egg-info",
)
# Sub-tables of [tool.errguard] owned by other parts of errguard (validated there).
FOREIGN_SECTIONS = frozenset({"envelope"})


@dataclass(frozen=True)
class KnownRule:
    """What the configuration checks of a rule: whether it is opt-in, and the type of each of
    its options (``[tool.errguard.rules.<CODE>]``). The registry provides them
    (``errguard.registry.known_rules``): the configuration sits below the rules."""

    opt_in: bool = False
    options: Mapping[str, type] = field(default_factory=dict)


# The rules a run knows, by code.
KnownRules = Mapping[str, KnownRule]


class ConfigError(Exception):
    """The configuration is invalid; the message says where and why."""


DEFAULT_MAX_FILE_SIZE_MB = 10.0
# A file takes well under a second; one that takes a minute is code nothing was tuned for.
DEFAULT_MAX_FILE_SECONDS = 60.0
# What ``fix`` does with a file that is a symbolic link: write its target, or leave it alone.
SymlinkPolicy = Literal["follow", "skip"]
SYMLINK_POLICIES: tuple[SymlinkPolicy, ...] = ("follow", "skip")


@dataclass(frozen=True)
class Config:
    root: Path
    path: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    src: tuple[Path, ...] = ()
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sections: Mapping[str, Any] = field(default_factory=dict)
    # Larger files are generated or vendored data, not code a person fixes: skipped with a note.
    max_file_size_mb: float = DEFAULT_MAX_FILE_SIZE_MB
    # The analysis of a file that takes longer stops, and the file is named as not checked.
    max_file_seconds: float = DEFAULT_MAX_FILE_SECONDS
    fix_symlinks: SymlinkPolicy = "follow"
    # The baseline file (``errguard check --write-baseline``): its findings are not reported.
    baseline: Path | None = None
    ignored_elsewhere: tuple[Ignored, Ignored] = ({}, {})
    """What the project's flake8 and ruff (code prefixes) and pylint (names) ignore."""

    def with_overrides(
        self,
        *,
        known: KnownRules,
        select: Sequence[str] | None = None,
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        exclude: Sequence[str] = (),
    ) -> Config:
        """Apply command-line options: ``--select`` replaces, the others extend.

        A selection of no rule at all (``--select ''``, ``select = []``, everything ignored) is
        an error: a run that checks nothing would pass silently.
        """
        codes = _opt_in(known)
        origin = "command line"
        config = replace(
            self,
            select=_selectors(select, origin, codes) if select is not None else self.select,
            extend_select=self.extend_select + _selectors(extend_select, origin, codes),
            ignore=self.ignore + _selectors(ignore, origin, codes),
            exclude=self.exclude + tuple(exclude),
        )
        if not config.enabled_codes(codes):
            raise ConfigError(config._nothing_selected(select is not None, codes))
        return config

    def _nothing_selected(self, select_given: bool, known: Mapping[str, bool]) -> str:
        if select_given:
            origin = f"--select {','.join(self.select or ()) or repr('')}"
        elif self.select is not None:
            origin = f"{self.path}: [tool.errguard] select = {json.dumps(list(self.select))}"
        else:
            origin = "the default selection"
        extras = [
            f"{key} = {','.join(codes)}"
            for key, codes in (("extend-select", self.extend_select), ("ignore", self.ignore))
            if codes
        ]
        described = f"{origin} with {' and '.join(extras)}" if extras else origin
        selectors = (*(self.select or ()), *self.extend_select)
        opt_in = [code for code, opt in known.items() if opt and code.startswith(selectors)]
        hint = f" (opt-in rules such as {opt_in[0]} need their full code)" if opt_in else ""
        return f"{described} selects no rule, so nothing would be checked{hint}"

    def enabled_codes(self, known: Mapping[str, bool]) -> frozenset[str]:
        """Codes that run, from ``known`` (code -> opt-in?)."""
        selectors = (*(self.select if self.select is not None else ("EG",)), *self.extend_select)
        enabled = set()
        for code, opt_in in known.items():
            chosen = _most_specific(code, selectors)
            if opt_in and code not in selectors:
                continue
            if chosen is None:
                continue
            blocked = _most_specific(code, self.ignore)
            if blocked is None or len(chosen) > len(blocked):
                enabled.add(code)
        return frozenset(enabled)

    def left_to_other_linters(self, same_checks: Mapping[str, Sequence[str]]) -> dict[str, str]:
        """Rules whose check the project's other linters are told to skip (code -> where).

        The team decided that check is not for their code; a rule selected by its full code
        (``select``, ``extend-select``) still runs.
        """
        explicit = {*(self.select or ()), *self.extend_select}
        left = {}
        for code, names in same_checks.items():
            where = None if code in explicit else ignored_by(names, self.ignored_elsewhere)
            if where is not None:
                left[code] = where
        return left

    def ignored_for(self, path: Path) -> tuple[str, ...]:
        """Code prefixes that ``per-file-ignores`` switches off for ``path``."""
        if not self.per_file_ignores:
            return ()
        candidates = _match_candidates(path, self.root)
        prefixes: list[str] = []
        for pattern, codes in self.per_file_ignores:
            if any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates):
                prefixes.extend(codes)
        return tuple(prefixes)

    def is_excluded(self, path: Path) -> bool:
        return self.is_excluded_in(str(path.parent), path.name)

    def is_excluded_in(self, directory: str, name: str) -> bool:
        """``is_excluded`` for ``directory/name``, building no ``Path`` unless excludes are set."""
        if _DEFAULT_EXCLUDED.match(name):
            return True
        if not self.exclude:
            return False
        pattern = _compiled(tuple(p.rstrip("/") for p in self.exclude))
        path = Path(directory, name)
        return any(pattern.match(candidate) for candidate in _match_candidates(path, self.root))

    def options_for(self, code: str) -> Mapping[str, Any]:
        return self.rule_options.get(code, {})


@functools.lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a list of globs (fnmatch semantics, case-sensitive)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns) or "(?!)")


_DEFAULT_EXCLUDED = _compiled(DEFAULT_EXCLUDES)


def _most_specific(code: str, selectors: Iterable[str]) -> str | None:
    matching = [selector for selector in selectors if code.startswith(selector)]
    return max(matching, key=len) if matching else None


def _match_candidates(path: Path, root: Path) -> tuple[str, ...]:
    absolute = path.resolve() if not path.is_absolute() else path
    candidates = [path.name, absolute.as_posix()]
    with contextlib.suppress(ValueError):  # outside the project: no relative form
        candidates.append(absolute.relative_to(root.resolve()).as_posix())
    return tuple(candidates)


def _opt_in(known: KnownRules) -> dict[str, bool]:
    """Each known code, and whether its rule is opt-in."""
    return {code: rule.opt_in for code, rule in known.items()}


def find_config_file(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` holding ``[tool.errguard]``, walking up from ``start``."""
    directory = start if os.path.isdir(start) else start.parent
    for candidate_dir in (directory.resolve(), *directory.resolve().parents):
        candidate = candidate_dir / "pyproject.toml"
        # os.path.isfile, not Path.is_file: a directory that cannot be entered holds no
        # configuration we can use, rather than being an error (the path itself is reported).
        if os.path.isfile(candidate) and "errguard" in _read_toml(candidate).get("tool", {}):
            return candidate
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(read_regular(path).decode("utf-8"))
        return data
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: cannot decode as UTF-8 (TOML files must be UTF-8): "
            f"invalid byte {exc.object[exc.start]:#04x}"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def load_config(
    path: Path | None, known: KnownRules, *, default_root: Path | None = None
) -> Config:
    """Read and validate ``[tool.errguard]`` from ``path`` (defaults when ``path`` is None)."""
    if path is None:
        return Config(root=(default_root or Path.cwd()).resolve())
    table = _read_toml(path).get("tool", {}).get("errguard", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.errguard] must be a table")
    return parse_table(table, path, known)


def parse_table(table: Mapping[str, Any], path: Path, known: KnownRules) -> Config:
    reader = _TableReader(table, path, known)
    return Config(
        root=path.parent.resolve(),
        path=path,
        select=reader.selectors("select") if "select" in table else None,
        extend_select=reader.selectors("extend-select"),
        ignore=reader.selectors("ignore"),
        exclude=tuple(reader.strings("exclude")),
        per_file_ignores=reader.per_file_ignores(),
        src=tuple((path.parent / entry).resolve() for entry in reader.strings("src")),
        rule_options=reader.rule_options(),
        sections={name: table[name] for name in FOREIGN_SECTIONS if name in table},
        max_file_size_mb=reader.positive_number(
            "max-file-size", DEFAULT_MAX_FILE_SIZE_MB, "megabytes"
        ),
        max_file_seconds=reader.positive_number(
            "max-file-seconds", DEFAULT_MAX_FILE_SECONDS, "seconds"
        ),
        fix_symlinks=reader.choice("fix-symlinks", SYMLINK_POLICIES),
        baseline=reader.file("baseline"),
    )


class _TableReader:
    KEYS = (
        *("select", "extend-select", "ignore", "exclude", "per-file-ignores", "src", "rules"),
        *("max-file-size", "max-file-seconds", "fix-symlinks", "baseline"),
    )

    def __init__(self, table: Mapping[str, Any], path: Path, rules: KnownRules) -> None:
        self.table = table
        self.path = path
        self.rules = rules
        self.known = _opt_in(rules)
        for key in table:
            if key not in self.KEYS and key not in FOREIGN_SECTIONS:
                self.fail(f"unknown key {key!r}{_did_you_mean(key, self.KEYS)}")

    def fail(self, message: str) -> NoReturn:
        raise ConfigError(f"{self.path}: [tool.errguard] {message}")

    def strings(self, key: str, value: Any = None, *, where: str | None = None) -> list[str]:
        value = self.table.get(key, []) if value is None else value
        if isinstance(value, str) or not isinstance(value, list):
            self.fail(f"{where or key} must be a list of strings, got {value!r}")
        for item in value:
            if not isinstance(item, str):
                self.fail(f"{where or key} must be a list of strings, got item {item!r}")
        return list(value)

    def file(self, key: str) -> Path | None:
        """A file named relative to the configuration file's directory, if set."""
        value = self.table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            self.fail(f"{key} must be a file name, got {value!r}")
        return (self.path.parent / value).resolve()

    def positive_number(self, key: str, default: float, unit: str) -> float:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            self.fail(f"{key} must be a positive number of {unit}, got {value!r}")
        return float(value)

    def choice(self, key: str, choices: tuple[T, ...]) -> T:
        """One of ``choices`` (strings), the first by default."""
        value = self.table.get(key, choices[0])
        if value not in choices:
            self.fail(f"{key} must be one of {', '.join(map(repr, choices))}, got {value!r}")
        return next(choice for choice in choices if choice == value)

    def selectors(
        self, key: str, value: Any = None, *, where: str | None = None
    ) -> tuple[str, ...]:
        items = self.strings(key, value, where=where)
        return _selectors(items, f"{self.path}: [tool.errguard] {where or key}", self.known)

    def per_file_ignores(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        value = self.table.get("per-file-ignores", {})
        if not isinstance(value, dict):
            self.fail(f"per-file-ignores must be a table of pattern = [codes], got {value!r}")
        entries = []
        for pattern, codes in value.items():
            where = f"per-file-ignores.{pattern!r}"
            listed = [codes] if isinstance(codes, str) else codes
            entries.append((pattern, self.selectors("", listed, where=where)))
        return tuple(entries)

    def rule_options(self) -> dict[str, dict[str, Any]]:
        rules = self.rules
        value = self.table.get("rules", {})
        if not isinstance(value, dict):
            self.fail(
                f"rules must be a table of [tool.errguard.rules.<CODE>] tables, got {value!r}"
            )
        options: dict[str, dict[str, Any]] = {}
        for code, settings in value.items():
            rule = rules.get(code)
            if rule is None:
                self.fail(f"rules.{code}: unknown rule code{_did_you_mean(code, rules)}")
            if not isinstance(settings, dict):
                self.fail(f"rules.{code} must be a table, got {settings!r}")
            for name, setting in settings.items():
                kind = rule.options.get(name)
                if kind is None:
                    accepted = ", ".join(rule.options) or "none"
                    self.fail(f"rules.{code}: unknown option {name!r} (accepted: {accepted})")
                elif kind is list:
                    self.strings("", setting, where=f"rules.{code}.{name}")
                elif not isinstance(setting, kind):
                    self.fail(f"rules.{code}.{name} must be a {kind.__name__}, got {setting!r}")
            options[code] = dict(settings)
        return options


def _selectors(items: Iterable[str], origin: str, known: Mapping[str, bool]) -> tuple[str, ...]:
    result = []
    for item in items:
        selector = item.strip().upper()
        if not SELECTOR.match(selector):
            raise ConfigError(
                f"{origin}: {item!r} is not a rule code or prefix (like EG401 or EG4)"
            )
        if not any(code.startswith(selector) for code in known):
            suggestion = _did_you_mean(selector, known)
            raise ConfigError(f"{origin}: {item!r} matches no errguard rule{suggestion}")
        result.append(selector)
    return tuple(result)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def discover_config(paths: Sequence[Path], explicit: Path | None, known: KnownRules) -> Config:
    """The configuration for a run over ``paths``: ``--config``, else the nearest pyproject,
    its rule codes and options checked against the ``known`` rules."""
    start = search_start(paths)
    if explicit is not None:
        if not os.path.isfile(explicit):
            raise ConfigError(f"{explicit}: config file not found")
        config = load_config(explicit, known)
    else:
        config = load_config(find_config_file(start), known, default_root=Path.cwd())
    return replace(config, ignored_elsewhere=ignored_checks(start))


def search_start(paths: Sequence[Path]) -> Path:
    """Where to look upwards from for what the checked ``paths`` share (config, project root)."""
    existing = [path.resolve() for path in paths if os.path.exists(path)]
    return Path(os.path.commonpath(existing)) if existing else Path.cwd()
