"""What every command does: load the configuration and files; report errors, notes, totals."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from errguard.baseline.use import Outcome
from errguard.config import Config, discover_config, search_start
from errguard.detect.engine import FileResult
from errguard.detect.source import display_path
from errguard.discovery import discover
from errguard.models import Applicability, Violation
from errguard.newer_syntax import skipped_report
from errguard.project.modules import find_project_root
from errguard.registry import known_rules, load_rules, same_checks

if TYPE_CHECKING:
    from errguard.fixer import FixResult


EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def load_inputs(args: argparse.Namespace, err: TextIO) -> tuple[Config, list[Path], bool]:
    """The configuration, the files to check, and whether a given path does not exist or
    cannot be read (each is reported on ``err``, as are the files skipped; the other paths
    are still checked)."""
    known = known_rules()
    config = discover_config(args.paths, args.config, known).with_overrides(
        known=known,
        select=args.select,
        extend_select=args.extend_select,
        ignore=args.ignore,
        exclude=args.exclude,
    )
    found = discover(args.paths, config, force_exclude=args.force_exclude)
    cwd = Path.cwd()
    rules = load_rules()
    enabled = config.enabled_codes({code: rule.opt_in for code, rule in rules.items()})
    for code, where in config.left_to_other_linters(same_checks(rules)).items():
        if code not in enabled:
            continue
        print(
            f"errguard: note: {code} is off: {where}, the same check "
            f"(select {code} by its full code to run it anyway)",
            file=err,
        )
    for path, reason in found.errors:
        print(f"errguard: error: {display_path(path, cwd)}: {reason}", file=err)
    for path, reason in found.skipped:
        print(f"errguard: note: {display_path(path, cwd)}: skipped, {reason}", file=err)
    return config, found.files, bool(found.errors)


def project_root(config: Config, paths: Sequence[Path]) -> Path:
    """What SARIF locations and baseline paths are relative to: the configuration file's
    directory, else the nearest directory above the paths with a pyproject.toml, setup.cfg,
    manage.py or .git."""
    if config.path is not None:
        return config.root
    return find_project_root(search_start(paths)) or config.root


def report_errors(results: Sequence[FileResult | FixResult], err: TextIO) -> bool:
    errors = [message for result in results for message in result.errors]
    for message in errors:
        print(f"errguard: error: {message}", file=err)
    return bool(errors)


def report_notes(results: Sequence[FileResult | FixResult], err: TextIO) -> None:
    for result in results:
        if isinstance(result, FileResult):
            for note in result.notes:
                print(f"errguard: note: {note}", file=err)


def report_skipped(results: Sequence[FileResult | FixResult], err: TextIO) -> int:
    """Name once the files skipped for syntax this Python cannot parse; return their number."""
    skipped = [(result.path, result.skipped) for result in results if result.skipped is not None]
    if skipped:
        err.write(skipped_report(skipped))
    return len(skipped)


def summary(violations: Sequence[Violation], files: int) -> str:
    if not violations:
        return f"All checks passed ({files} file{'s' if files != 1 else ''} checked)."
    safe = sum(v.fix is Applicability.SAFE for v in violations)
    unsafe = sum(v.fix is Applicability.UNSAFE for v in violations)
    hints = []
    if safe:
        hints.append(f"{safe} fixable with `errguard fix`")
    if unsafe:
        hints.append(f"{unsafe} more with `errguard fix --unsafe-fixes`")
    suffix = f" ({', '.join(hints)})" if hints else ""
    return f"Found {len(violations)} finding{'s' if len(violations) != 1 else ''}{suffix}."


def report_baseline(outcome: Outcome | None, quiet: bool, err: TextIO) -> None:
    if outcome is not None and not quiet:
        for note in outcome.notes(Path.cwd()):
            print(note, file=err)
