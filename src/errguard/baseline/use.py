"""A baseline in a run of ``errguard check`` or ``errguard fix``: which file, what to do with
it, and what the run tells about it."""

from __future__ import annotations

import argparse
import ast
import enum
import functools
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from errguard.baseline import matching, store
from errguard.baseline.fingerprint import Baselined, Identity, identify_source, relative_path
from errguard.baseline.matching import Comparison
from errguard.baseline.store import Entry
from errguard.config import Config, ConfigError
from errguard.detect.source import SourceError, SourceFile
from errguard.models import Violation
from errguard.registry import load_rules
from errguard.report.sarif import Absent


class Mode(enum.Enum):
    COMPARE = "compare"  # report the findings the baseline does not record
    WRITE = "write"  # record every finding, report none
    UPDATE = "update"  # drop what is fixed from the baseline, report the new findings


def _json_file(value: str) -> str:
    # ``--write-baseline`` takes an optional value: a path to check after it must not be taken
    # for the file to write (and overwritten).
    if value and not value.endswith(".json"):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a .json file (write --write-baseline=FILE, or put the paths "
            "to check before --write-baseline)"
        )
    return value


def add_options(parser: argparse.ArgumentParser, *, writes: bool) -> None:
    group = parser.add_argument_group("baseline")
    group.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help=f"{'report' if writes else 'fix and report'} only the findings FILE does not "
        "record (default: baseline in [tool.errguard])",
    )
    ways = group.add_mutually_exclusive_group()
    ways.add_argument(
        "--no-baseline",
        action="store_true",
        help=f"{'report' if writes else 'fix and report'} every finding: leave the configured "
        "baseline aside",
    )
    if not writes:
        return
    ways.add_argument(
        "--write-baseline",
        nargs="?",
        const="",
        type=_json_file,
        metavar="FILE",
        help="record every finding in FILE and report none (default: the --baseline or "
        f"configured file, else {store.DEFAULT_NAME} at the project root; write "
        "--write-baseline=FILE before paths); entries of files and rules the run does not "
        "check are kept",
    )
    ways.add_argument(
        "--update-baseline",
        action="store_true",
        help="remove from the baseline the findings no longer found; new findings are "
        "reported, never added",
    )


@dataclass(frozen=True)
class BaselineUse:
    file: Path
    mode: Mode
    root: Path
    """The project root: paths in the baseline are relative to it."""
    in_use: bool = True
    """Whether later runs read this file without being told (the configured or given one)."""

    @classmethod
    def chosen(cls, args: argparse.Namespace, config: Config, root: Path) -> BaselineUse | None:
        """The baseline the command line and configuration ask for, if any."""
        if args.no_baseline:
            if args.baseline is not None:
                raise ConfigError("--baseline and --no-baseline contradict each other")
            return None
        given = args.baseline or config.baseline
        write = getattr(args, "write_baseline", None)
        if write is not None:
            target = Path(write) if write else given or root / store.DEFAULT_NAME
            file = Path(os.path.abspath(target))
            in_use = config.baseline is not None and file == Path(os.path.abspath(config.baseline))
            return cls(file, Mode.WRITE, root, in_use)
        if getattr(args, "update_baseline", False):
            if given is None:
                raise ConfigError(
                    "--update-baseline needs a baseline: --baseline FILE, or baseline in "
                    "[tool.errguard]"
                )
            return cls(Path(os.path.abspath(given)), Mode.UPDATE, root)
        return None if given is None else cls(Path(os.path.abspath(given)), Mode.COMPARE, root)

    def apply(
        self,
        violations: Sequence[Violation],
        files: Sequence[Path],
        config: Config,
        unsaved: Mapping[Path, bytes] | None = None,
        *,
        complete: bool = True,
    ) -> Outcome:
        """Compare the run's findings (over ``files``) with the baseline, and write it when
        the mode says so and the run was ``complete`` (no file it could not check: their
        findings would be lost)."""
        absolute = {Path(os.path.abspath(path)): data for path, data in (unsaved or {}).items()}
        findings = identities(violations, self.root, absolute)
        entries = _existing(self.file) if self.mode is Mode.WRITE else store.read(self.file)
        gone = _gone_files(self.root)
        comparison = matching.compare(
            entries, findings, in_reach=self._in_reach(files, config, gone), gone=gone
        )
        if complete:
            self._save(entries, comparison, findings, violations)
        return Outcome(self, list(violations), findings, comparison, complete)

    def _save(
        self,
        entries: Sequence[Entry],
        comparison: Comparison,
        findings: Sequence[Identity],
        violations: Sequence[Violation],
    ) -> None:
        if self.mode is Mode.WRITE:
            recorded = [Entry(f, 1, v.message) for f, v in zip(findings, violations, strict=True)]
            store.write(self.file, [*comparison.untouched, *recorded])
        elif self.mode is Mode.UPDATE:
            messages = [v.message for v in violations]
            store.write(self.file, matching.updated(entries, comparison, findings, messages))

    def left_to_fix(
        self, files: Sequence[Path], config: Config, jobs: int | None
    ) -> dict[str, Baselined]:
        """What ``fix`` must leave alone: the findings of a check of ``files`` that the
        baseline records, per file (absolute path)."""
        from errguard.runner import Job, check_file, run

        results = run(check_file, files, Job(config, Path.cwd()), jobs)
        violations = sorted((v for r in results for v in r.violations), key=lambda v: v.sort_key)
        return self.apply(violations, files, config).baselined()

    def _in_reach(
        self, files: Sequence[Path], config: Config, gone: matching.Gone
    ) -> matching.InReach:
        checked = {relative_path(path, self.root) for path in files}
        rules = load_rules()
        enabled = config.enabled_codes({code: rule.opt_in for code, rule in rules.items()})

        def in_reach(entry: Entry) -> bool:
            identity = entry.identity
            return identity.code in enabled and (identity.path in checked or gone(identity.path))

        return in_reach


def _gone_files(root: Path) -> matching.Gone:
    """Whether the file at a baseline path no longer exists, asked once per path."""

    @functools.cache
    def gone(path: str) -> bool:
        return not os.path.exists(root / path)

    return gone


def _existing(file: Path) -> list[Entry]:
    """The entries of a baseline about to be written again: none when there is none yet, or
    it cannot be read (an older version: writing a new one is how to replace it)."""
    try:
        return store.read(file)
    except ConfigError:
        return []


def identities(
    violations: Sequence[Violation], root: Path, unsaved: Mapping[Path, bytes]
) -> list[Identity]:
    """The identity of each finding of a run, reading each file with findings once (the
    unsaved contents of ``fix --diff`` instead of the disk's)."""
    by_file: dict[str, list[int]] = {}
    for index, violation in enumerate(violations):
        by_file.setdefault(violation.path, []).append(index)
    found: dict[int, Identity] = {}
    for display, indices in by_file.items():
        path = Path(os.path.abspath(display))
        data = unsaved.get(path)
        try:
            source = (
                SourceFile.read(path, display) if data is None else SourceFile(path, display, data)
            )
        except SourceError:
            source = SourceFile(path, display, b"")
        chosen = [violations[index] for index in indices]
        found.update(zip(indices, identify_source(chosen, source, None, root), strict=True))
    return [found[index] for index in range(len(violations))]


@dataclass(frozen=True)
class Outcome:
    use: BaselineUse
    violations: list[Violation]
    findings: list[Identity]
    comparison: Comparison
    complete: bool = True
    """Whether every file was checked (else the baseline was not written)."""

    @property
    def written(self) -> bool:
        """Whether the run was to record its findings (``--write-baseline``), not report them."""
        return self.use.mode is Mode.WRITE

    @property
    def new(self) -> list[Violation]:
        """What the run reports: the findings the baseline does not record (none when it was
        just written)."""
        if self.use.mode is Mode.WRITE:
            return []
        return [v for index, v in enumerate(self.violations) if self.comparison.is_new(index)]

    @property
    def states(self) -> list[str]:
        """SARIF's ``baselineState`` of each finding."""
        matches = self.comparison.matches
        return ["new" if match is None else "unchanged" for match in matches]

    @property
    def absent(self) -> list[Absent]:
        """The baseline's findings this run no longer finds, for SARIF."""
        return [
            Absent(entry.identity.code, str(self.use.root / entry.identity.path), entry.message)
            for entry, count in self.comparison.absent
            for _ in range(count)
        ]

    def baselined(self) -> dict[str, Baselined]:
        """Per file (absolute path), the findings that ``fix`` must leave alone."""
        left: dict[str, Baselined] = {}
        for violation, finding, match in zip(
            self.violations, self.findings, self.comparison.matches, strict=True
        ):
            if match is not None:
                left.setdefault(os.path.abspath(violation.path), Counter())[finding.in_file] += 1
        return left

    def notes(self, cwd: Path) -> list[str]:
        """What the run says about the baseline, for stderr."""
        file = self.use.file
        name = relative_path(file, cwd) if file.is_relative_to(cwd) else str(file)
        if self.use.mode is not Mode.COMPARE and not self.complete:
            return [f"errguard: {name} not written: some files could not be checked"]
        if self.use.mode is Mode.WRITE:
            recorded = f"errguard: recorded {_findings(len(self.violations))} in {name}"
            if self.use.in_use:
                return [recorded]
            setting = relative_path(file, self.use.root)
            return [
                f'{recorded}; use it with --baseline {name}, or baseline = "{setting}" '
                "in [tool.errguard]"
            ]
        known = len(self.violations) - len(self.new)
        notes = []
        if known:
            notes.append(f"errguard: {_findings(known)} recorded in {name} not shown")
        fixed = self.comparison.fixed
        if fixed and self.use.mode is Mode.UPDATE:
            notes.append(f"errguard: removed {_findings(fixed)} no longer found from {name}")
        elif fixed:
            notes.append(
                f"errguard: {_findings(fixed)} recorded in {name} no longer found (fixed); "
                f"run again with --update-baseline to remove {'it' if fixed == 1 else 'them'}"
            )
        return notes


def _findings(count: int) -> str:
    return f"{count} finding{'s' if count != 1 else ''}"


def new_in_file(
    violations: Sequence[Violation], source: SourceFile, tree: ast.Module, config: Config
) -> list[Violation]:
    """The findings of one file that the configured baseline does not record, for the flake8
    plugin. It sees one file at a time: the file's own entries match, and so do those of
    files that are gone (a moved file); nothing is said about fixed entries."""
    if config.baseline is None or not violations:
        return list(violations)
    root = config.root
    path = relative_path(source.path, root)
    gone = _gone_in(root)
    comparison = matching.compare(
        _entries_of(config.baseline),
        identify_source(violations, source, tree, root),
        in_reach=lambda entry: entry.identity.path == path or gone(entry.identity.path),
        gone=gone,
    )
    return [v for index, v in enumerate(violations) if comparison.is_new(index)]


# flake8 calls the plugin once per file, in a process that lives for one run: the baseline is
# read, and each of its paths looked up, once per process.
@functools.lru_cache(maxsize=8)
def _entries_of(file: Path) -> tuple[Entry, ...]:
    return tuple(store.read(file))


@functools.lru_cache(maxsize=8)
def _gone_in(root: Path) -> matching.Gone:
    return _gone_files(root)
