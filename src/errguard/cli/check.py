"""``errguard check``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from errguard.baseline.use import BaselineUse
from errguard.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    load_inputs,
    project_root,
    report_baseline,
    report_errors,
    report_skipped,
    summary,
)
from errguard.config import Config, search_start
from errguard.detect.engine import FileResult
from errguard.diff_base import DiffBaseError, changed_since, keep_changed
from errguard.progress import progress_bar
from errguard.report import (
    HUMAN_FORMATS,
    SHOWS_EDITS,
    color,
    render,
    sarif,
    settings,
    statistics,
)
from errguard.runner import Job, check_file, run


def command_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    statistics_format = "text" if args.format in HUMAN_FORMATS else args.format
    if args.statistics and statistics_format not in statistics.RENDERERS:
        print("errguard: error: --statistics works with --format full, concise or json", file=err)
        return EXIT_ERROR
    try:
        changed = (
            changed_since(args.diff_base, search_start(args.paths)) if args.diff_base else None
        )
    except DiffBaseError as exc:
        print(f"errguard: error: {exc}", file=err)
        return EXIT_ERROR
    config, files, path_errors = load_inputs(args, err)
    if args.show_settings or args.show_files:
        listing = settings.show(config, files, args.show_settings, args.show_files, Path.cwd())
        out.write(listing)
        return EXIT_ERROR if path_errors else EXIT_CLEAN
    root = project_root(config, args.paths)
    baseline = BaselineUse.chosen(args, config, root)
    listed = not (args.statistics or args.add_noqa)
    job = Job(config, Path.cwd(), with_edits=args.format in SHOWS_EDITS and listed)
    with progress_bar(err, len(files)) as progress:
        results = run(check_file, files, job, args.jobs, progress)
    checked = list(zip(files, results, strict=True))
    if changed is not None:
        keep_changed(checked, changed, config)
    if args.add_noqa:
        written = _add_noqa(args, checked, config, err)
        return EXIT_ERROR if path_errors else written
    violations = sorted((v for r in results for v in r.violations), key=lambda v: v.sort_key)
    complete = not path_errors and not any(r.errors for r in results)
    outcome = baseline.apply(violations, files, config, complete=complete) if baseline else None
    shown = outcome.new if outcome else violations
    if args.statistics:
        out.write(statistics.RENDERERS[statistics_format](shown))
    elif outcome and args.format == "sarif":
        out.write(sarif.render(violations, root, outcome.states, outcome.absent))
    else:
        out.write(render(args.format, shown, root, color=color.use_color(args.color, out)))
    skipped = report_skipped(results, err)
    if not args.quiet and args.format in HUMAN_FORMATS and not (outcome and outcome.written):
        print(summary(shown, len(files) - skipped), file=err)
    report_baseline(outcome, args.quiet, err)
    if report_errors(results, err) or path_errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if shown and not args.exit_zero else EXIT_CLEAN


def _add_noqa(
    args: argparse.Namespace, checked: list[tuple[Path, FileResult]], config: Config, err: TextIO
) -> int:
    from errguard.noqa_tools import add_noqa

    findings = {path: result.violations for path, result in checked}
    added = add_noqa(findings, skip_symlinks=config.fix_symlinks == "skip")
    results = [result for _, result in checked]
    report_skipped(results, err)
    added.report(err, quiet=args.quiet)
    if report_errors(results, err) or added.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if added.left and not args.exit_zero else EXIT_CLEAN
