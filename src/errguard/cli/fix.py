"""``errguard fix``: apply fixes to a fixed point, write them, report what remains."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from errguard.baseline.fingerprint import Baselined
from errguard.baseline.use import BaselineUse
from errguard.config import Config
from errguard.detect.engine import FileResult
from errguard.detect.source import display_path
from errguard.models import Violation
from errguard.progress import progress_bar
from errguard.project import forget_projects
from errguard.registry import load_rules
from errguard.report import (
    color,
    render,
)
from errguard.runner import Job, check_file, fix_file, run

if TYPE_CHECKING:
    from errguard.fixer import FixResult
    from errguard.progress import Progress
    from errguard.queries.runtime_report import LoadToFix

from errguard.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    load_inputs,
    project_root,
    report_baseline,
    report_errors,
    report_notes,
    report_skipped,
)


def command_fix(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from errguard.edits import unified_diff
    from errguard.fixer import FixResult

    config, files, path_errors = load_inputs(args, err)
    baseline = BaselineUse.chosen(args, config, project_root(config, args.paths))
    baselined = baseline.left_to_fix(files, config, args.jobs) if baseline else {}
    runtime: tuple[LoadToFix, ...] | None = None
    runtime_notes: list[str] = []
    if args.from_report is not None:
        from errguard.queries.runtime_report import ReportError, read_report

        try:
            loads, runtime_notes = read_report(args.from_report, Path.cwd())
        except ReportError as error:
            print(f"errguard: error: {error}", file=err)
            return EXIT_ERROR
        runtime = tuple(loads)
    with progress_bar(err, len(files), "fixing") as progress:
        results = _fix_to_fixed_point(
            files, config, args, baselined=baselined, runtime=runtime, progress=progress
        )
    changes = [r for r in results if isinstance(r, FixResult) and r.changed]
    if args.diff:
        out.writelines(unified_diff(r.source.text, r.text, r.source.display) for r in changes)
        applied = changes
    else:
        applied = _write_fixes(changes, err)
    unsaved = {r.source.path: r.text.encode(r.source.encoding) for r in applied if args.diff}
    if changes:
        # A fix in one file can settle findings in others (an import cycle, a model change):
        # what remains is what a fresh check of every file finds, the fixed ones as written
        # or, for --diff, as they would be (the same check for both, so the counts agree).
        forget_projects()
        rechecked = run(check_file, files, Job(config, Path.cwd(), unsaved=unsaved), args.jobs)
        remaining = [v for checked in rechecked for v in checked.violations]
    else:
        remaining = [v for r in results for v in _remaining(r)]
    remaining.sort(key=lambda v: v.sort_key)
    outcome = baseline.apply(remaining, files, config, unsaved) if baseline else None
    remaining = outcome.new if outcome else remaining
    if not args.diff:
        root = project_root(config, args.paths)
        out.write(render(args.format, remaining, root, color=color.use_color(args.color, out)))
    fixed = sum(len(r.fixed) for r in applied)
    report_notes(results, err)
    report_skipped(results, err)
    if runtime is not None:
        _report_runtime(runtime, runtime_notes, results, err)
    if not args.quiet:
        verb = "Would fix" if args.diff else "Fixed"
        print(
            f"{verb} {fixed} finding{'s' if fixed != 1 else ''} in {len(applied)} "
            f"file{'s' if len(applied) != 1 else ''}; {len(remaining)} remaining.",
            file=err,
        )
    report_baseline(outcome, args.quiet, err)
    if report_errors(results, err) or path_errors or len(applied) < len(changes):
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    pending = fixed if args.diff else len(remaining)
    return EXIT_FINDINGS if pending else EXIT_CLEAN


# Passes of ``fix`` over every file: a cut import cycle can expose the next cycle in other files.
MAX_FIX_PASSES = 5


def _fix_to_fixed_point(
    files: Sequence[Path],
    config: Config,
    args: argparse.Namespace,
    *,
    baselined: Mapping[str, Baselined],
    runtime: tuple[LoadToFix, ...] | None,
    progress: Progress | None,
) -> list[FixResult | FileResult]:
    """Fix every file, then again over the fixed contents while a fix of a project-wide
    finding (an import cycle) was applied, so that a second ``errguard fix`` changes nothing.

    Each file's result keeps the text as read from disk and accumulates what every pass fixed.
    The findings ``baselined`` counts (per absolute path) are left alone.
    """
    from errguard.fixer import FixResult

    project_wide = {code for code, rule in load_rules().items() if rule.uses_import_graph}
    job = Job(
        config, Path.cwd(), unsafe_fixes=args.unsafe_fixes, baselined=baselined, runtime=runtime
    )
    results = run(fix_file, files, job, args.jobs, progress)
    latest = [r for r in results if isinstance(r, FixResult) and r.changed]
    by_path = {r.source.path: r for r in latest}
    for _ in range(MAX_FIX_PASSES - 1):
        if not any(v.code in project_wide for r in latest for v in r.fixed):
            break
        unsaved = {p: r.text.encode(r.source.encoding) for p, r in by_path.items()}
        forget_projects()
        again = replace(job, unsaved=unsaved)
        latest = [r for r in run(fix_file, files, again, args.jobs) if isinstance(r, FixResult)]
        latest = [r for r in latest if r.changed]
        for result in latest:
            first = by_path.setdefault(result.source.path, result)
            if first is not result:
                first.text = result.text
                first.fixed.extend(result.fixed)
                first.remaining = result.remaining
    return [by_path.get(r.source.path, r) if isinstance(r, FixResult) else r for r in results]


def _report_runtime(
    loads: tuple[LoadToFix, ...],
    notes: list[str],
    results: Sequence[FixResult | FileResult],
    err: TextIO,
) -> None:
    """Each runtime finding ``fix --from-report`` did not fix, and why."""
    from errguard.fixer import FixResult
    from errguard.queries.runtime_report import confirms

    fixed = [
        (Path(result.source.path).resolve(), violation)
        for result in results
        if isinstance(result, FixResult)
        for violation in result.fixed
    ]
    for load in loads:
        if not any(confirms(load, file, violation) for file, violation in fixed):
            notes.append(
                f"{load.summary}: not fixed, EG101 does not fix this loop at "
                f"{display_path(load.file, Path.cwd())}:{load.line} "
                f'(no finding with .{load.method}("{load.path}") there, or its fix did not pass)'
            )
    for note in notes:
        print(f"errguard: {note}", file=err)


def _remaining(result: FixResult | FileResult) -> list[Violation]:
    from errguard.fixer import FixResult

    return result.remaining if isinstance(result, FixResult) else result.violations


def _write_fixes(changes: Sequence[FixResult], err: TextIO) -> list[FixResult]:
    """Write each fixed file and return those written; a file that cannot be written (or is
    read-only) is reported and left as it was, and the others are still written."""
    from errguard.fixer import write_atomic

    written = []
    for result in changes:
        source = result.source
        try:
            write_atomic(source.path, result.text, source.encoding, source.data)
        except OSError as exc:
            print(
                f"errguard: error: {source.display}: fixes not written: {exc.strerror or exc}",
                file=err,
            )
        else:
            written.append(result)
    return written
