"""The ``errguard`` command: check, fix, explain, rules."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from errguard import __version__
from errguard.baseline.fingerprint import Baselined
from errguard.baseline.use import BaselineUse, Outcome, add_options
from errguard.config import Config, ConfigError, discover_config, search_start
from errguard.detect.engine import FileResult
from errguard.detect.source import display_path
from errguard.diff_base import DiffBaseError, changed_since, keep_changed
from errguard.discovery import discover
from errguard.models import Applicability, Violation
from errguard.newer_syntax import skipped_report
from errguard.progress import progress_bar
from errguard.project import forget_projects
from errguard.project.cache import CACHE_DIRECTORY, NO_CACHE_VARIABLE, cache_switched_off
from errguard.project.modules import find_project_root
from errguard.registry import known_rules, load_rules, same_checks
from errguard.report import (
    DEFAULT_FORMAT,
    FORMATS,
    HUMAN_FORMATS,
    SHOWS_EDITS,
    color,
    render,
    sarif,
    settings,
    statistics,
)
from errguard.runner import Job, check_file, fix_file, run

if TYPE_CHECKING:
    from errguard.fixer import FixResult
    from errguard.progress import Progress
    from errguard.queries.runtime_report import LoadToFix

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

DESCRIPTION = """\
Find error-prone Django code: N+1 query loops, check-then-create races, unclosed cursors and
connections, bare and silently swallowing excepts, exception text sent to clients, and import
cycles that crash. Reads source only; never imports your project."""

EPILOG = """\
exit codes:
  0  no findings
  1  findings (for fix: findings remain; for fix --diff: there are fixes to apply)
  2  usage error, invalid configuration, a path that does not exist or cannot be
     reached, a fixed file that could not be written, or internal error

examples:
  errguard check                       check the current directory
  errguard check app/ --select EG4     only the exception rules
  errguard check --format json         machine-readable findings with fix edits
  errguard check --statistics          how many findings of each rule, and how many fixable
  errguard check --write-baseline      record today's findings in errguard-baseline.json
  errguard check --baseline errguard-baseline.json   report only findings not recorded there
  errguard check --diff-base main      only findings on lines changed since branching off main
  errguard check --format concise      one line per finding (path:line:col: CODE message)
  errguard check --show-settings       the configuration a run uses, and its rules
  errguard fix --diff                  show what the safe fixes would change
  errguard explain EG401               the documentation of one rule

Configure in pyproject.toml under [tool.errguard]; silence one line with "# noqa: EG401"."""


def _code_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _selection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[Path(".")],
        metavar="PATH",
        help="files or directories to check (default: .)",
    )
    group = parser.add_argument_group("rule selection")
    group.add_argument(
        "--select",
        type=_code_list,
        metavar="CODES",
        help="comma-separated codes or prefixes to run, replacing the configured "
        "selection (e.g. EG4,EG101)",
    )
    group.add_argument(
        "--extend-select",
        type=_code_list,
        action="extend",
        default=[],
        metavar="CODES",
        help="codes or prefixes to run in addition",
    )
    group.add_argument(
        "--ignore",
        type=_code_list,
        action="extend",
        default=[],
        metavar="CODES",
        help="codes or prefixes to skip, added to the configured ignores",
    )
    files = parser.add_argument_group("files and configuration")
    files.add_argument(
        "--exclude",
        type=_code_list,
        action="extend",
        default=[],
        metavar="GLOBS",
        help="extra file or directory patterns to skip",
    )
    files.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply excludes to files named explicitly too (for pre-commit)",
    )
    files.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="pyproject.toml to use instead of the nearest one",
    )
    files.add_argument(
        "--no-cache",
        action="store_true",
        help=f"neither read nor write {CACHE_DIRECTORY}/ (also: {NO_CACHE_VARIABLE}=1)",
    )
    files.add_argument(
        "--jobs", "-j", type=int, metavar="N", help="worker processes (default: number of CPUs)"
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    parser.add_argument(
        "--color",
        choices=color.CHOICES,
        default="auto",
        help="colour the findings: auto (default) on a terminal unless NO_COLOR is set, or "
        "when FORCE_COLOR is set; always; never",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="errguard",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"errguard {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="report findings",
        description="Report findings.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _selection_options(check)
    check.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default=DEFAULT_FORMAT,
        help="output format: full (default: each finding with its source lines, a caret under "
        "the span and a help line, like ruff), concise (one line per finding, like flake8; "
        "text is another name for it), json, github, sarif",
    )
    check.add_argument("--quiet", "-q", action="store_true", help="no summary line on stderr")
    check.add_argument(
        "--statistics",
        action="store_true",
        help="one line per rule code instead of one per finding: count, code, fix marker "
        "([*] some have a safe fix, [-] an unsafe fix only, [ ] none) and rule name, most "
        "frequent first; with --format json, a list of {code, name, count, fixable, "
        "unsafe_fixable}",
    )
    add_options(check, writes=True)
    check.add_argument(
        "--diff-base",
        metavar="REF",
        help="report only findings on lines added or modified since git REF (from `git "
        "merge-base REF HEAD` to the working tree; untracked files count whole), and import "
        "cycles whose chain has an import on such a line",
    )
    check.add_argument(
        "--add-noqa",
        action="store_true",
        help="instead of reporting, write `# noqa: CODE` where it silences each finding "
        "(merged into an existing `# noqa: ...`, other tools' codes kept) and say how many",
    )
    check.add_argument(
        "--show-files",
        action="store_true",
        help="list the files a run would check (after excludes), check nothing, exit 0",
    )
    check.add_argument(
        "--show-settings",
        action="store_true",
        help="print the configuration a run would use (config file, selection, ignores, "
        "per-file-ignores, excludes, rule options, the rules that run), check nothing, exit 0",
    )

    fix = commands.add_parser(
        "fix",
        help="apply fixes",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Apply the safe fixes (and the unsafe ones with --unsafe-fixes). Every fix "
        "is re-parsed and re-checked before the file is written; files that do not parse are "
        "left alone.",
    )
    _selection_options(fix)
    fix.add_argument(
        "--diff", action="store_true", help="print a unified diff of the fixes and write nothing"
    )
    fix.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply fixes that may change behaviour"
    )
    fix.add_argument(
        "--from-runtime",
        metavar="FILE",
        type=Path,
        help="fix only the N+1 queries a runtime report confirms (pytest --errguard-report=FILE): "
        "the select_related/prefetch_related it suggests, applied where EG101 finds the same "
        "loop and its fix passes the usual checks; the findings not fixed are listed with why",
    )
    fix.add_argument("--quiet", "-q", action="store_true", help="no summary line on stderr")
    add_options(fix, writes=False)
    fix.add_argument(
        "--format",
        choices=sorted(HUMAN_FORMATS),
        default=DEFAULT_FORMAT,
        help="how to show the findings that remain: full (default) or concise (text)",
    )

    explain = commands.add_parser(
        "explain", help="show a rule's documentation", description="Show a rule's documentation."
    )
    explain.add_argument("code", metavar="CODE", help="rule code, e.g. EG401")
    explain.add_argument(
        "--markdown",
        action="store_true",
        help="print the Markdown source even on a terminal (piped output always is Markdown)",
    )

    rules = commands.add_parser("rules", help="list the rules", description="List the rules.")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _load(args: argparse.Namespace, err: TextIO) -> tuple[Config, list[Path], bool]:
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


def _project_root(config: Config, paths: Sequence[Path]) -> Path:
    """What SARIF locations and baseline paths are relative to: the configuration file's
    directory, else the nearest directory above the paths with a pyproject.toml, setup.cfg,
    manage.py or .git."""
    if config.path is not None:
        return config.root
    return find_project_root(search_start(paths)) or config.root


def _report_errors(results: Sequence[FileResult | FixResult], err: TextIO) -> bool:
    errors = [message for result in results for message in result.errors]
    for message in errors:
        print(f"errguard: error: {message}", file=err)
    return bool(errors)


def _report_notes(results: Sequence[FileResult | FixResult], err: TextIO) -> None:
    for result in results:
        if isinstance(result, FileResult):
            for note in result.notes:
                print(f"errguard: note: {note}", file=err)


def _report_skipped(results: Sequence[FileResult | FixResult], err: TextIO) -> int:
    """Name once the files skipped for syntax this Python cannot parse; return their number."""
    skipped = [(result.path, result.skipped) for result in results if result.skipped is not None]
    if skipped:
        err.write(skipped_report(skipped))
    return len(skipped)


def _summary(violations: Sequence[Violation], files: int) -> str:
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
    config, files, path_errors = _load(args, err)
    if args.show_settings or args.show_files:
        listing = settings.show(config, files, args.show_settings, args.show_files, Path.cwd())
        out.write(listing)
        return EXIT_ERROR if path_errors else EXIT_CLEAN
    root = _project_root(config, args.paths)
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
    skipped = _report_skipped(results, err)
    if not args.quiet and args.format in HUMAN_FORMATS and not (outcome and outcome.written):
        print(_summary(shown, len(files) - skipped), file=err)
    _report_baseline(outcome, args.quiet, err)
    if _report_errors(results, err) or path_errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if shown and not args.exit_zero else EXIT_CLEAN


def _report_baseline(outcome: Outcome | None, quiet: bool, err: TextIO) -> None:
    if outcome is not None and not quiet:
        for note in outcome.notes(Path.cwd()):
            print(note, file=err)


def _add_noqa(
    args: argparse.Namespace, checked: list[tuple[Path, FileResult]], config: Config, err: TextIO
) -> int:
    from errguard.noqa_tools import add_noqa

    findings = {path: result.violations for path, result in checked}
    added = add_noqa(findings, skip_symlinks=config.fix_symlinks == "skip")
    results = [result for _, result in checked]
    _report_skipped(results, err)
    added.report(err, quiet=args.quiet)
    if _report_errors(results, err) or added.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if added.left and not args.exit_zero else EXIT_CLEAN


def command_fix(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from errguard.edits import unified_diff
    from errguard.fixer import FixResult

    config, files, path_errors = _load(args, err)
    baseline = BaselineUse.chosen(args, config, _project_root(config, args.paths))
    baselined = baseline.left_to_fix(files, config, args.jobs) if baseline else {}
    runtime: tuple[LoadToFix, ...] | None = None
    runtime_notes: list[str] = []
    if args.from_runtime is not None:
        from errguard.queries.runtime_report import ReportError, read_report

        try:
            loads, runtime_notes = read_report(args.from_runtime, Path.cwd())
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
        root = _project_root(config, args.paths)
        out.write(render(args.format, remaining, root, color=color.use_color(args.color, out)))
    fixed = sum(len(r.fixed) for r in applied)
    _report_notes(results, err)
    _report_skipped(results, err)
    if runtime is not None:
        _report_runtime(runtime, runtime_notes, results, err)
    if not args.quiet:
        verb = "Would fix" if args.diff else "Fixed"
        print(
            f"{verb} {fixed} finding{'s' if fixed != 1 else ''} in {len(applied)} "
            f"file{'s' if len(applied) != 1 else ''}; {len(remaining)} remaining.",
            file=err,
        )
    _report_baseline(outcome, args.quiet, err)
    if _report_errors(results, err) or path_errors or len(applied) < len(changes):
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
    """Each runtime finding ``fix --from-runtime`` did not fix, and why."""
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


def command_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from errguard.docs import rule_markdown
    from errguard.report import markdown

    rule = load_rules().get(args.code.upper())
    if rule is None:
        print(f"errguard: error: unknown rule code {args.code!r} (see `errguard rules`)", file=err)
        return EXIT_ERROR
    page = rule_markdown(rule)
    if color.is_terminal(out) and not args.markdown:
        page = markdown.render(page, color=color.use_color("auto", out))
    out.write(page)
    return EXIT_CLEAN


def command_rules(args: argparse.Namespace, out: TextIO, _err: TextIO) -> int:
    rules = load_rules()
    if args.format == "json":
        entries = [
            {
                "code": code,
                "name": rule.slug(),
                "summary": rule.summary(),
                "fix": rule.fix.value if rule.fix else None,
                "default": not rule.opt_in,
            }
            for code, rule in rules.items()
        ]
        out.write(json.dumps(entries, indent=2) + "\n")
        return EXIT_CLEAN
    for code, rule in rules.items():
        fix = f"fix: {rule.fix.value}" if rule.fix else "no fix"
        opt_in = " (opt-in)" if rule.opt_in else ""
        out.write(f"{code}  {rule.slug():<28} {fix:<12} {rule.summary()}{opt_in}\n")
    return EXIT_CLEAN


COMMANDS = {
    "check": command_check,
    "fix": command_fix,
    "explain": command_explain,
    "rules": command_rules,
}


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help/--version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(err)
        return EXIT_ERROR
    try:
        with cache_switched_off(getattr(args, "no_cache", False)):
            return COMMANDS[args.command](args, out, err)
    except ConfigError as exc:
        print(f"errguard: error: {exc}", file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("errguard: interrupted", file=err)
        return 130
    except Exception as exc:  # an errguard bug: say so briefly, never dump on the user by default
        print(f"errguard: internal error: {type(exc).__name__}: {exc}", file=err)
        if os.environ.get("ERRGUARD_DEBUG"):
            traceback.print_exc(file=err)
        else:
            print("errguard: set ERRGUARD_DEBUG=1 to see the traceback", file=err)
        return EXIT_ERROR
