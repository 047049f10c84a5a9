"""The command line's options and help."""

from __future__ import annotations

import argparse
from pathlib import Path

from errguard import __version__
from errguard.baseline.use import add_options
from errguard.project.cache import CACHE_DIRECTORY, NO_CACHE_VARIABLE
from errguard.report import (
    DEFAULT_FORMAT,
    FORMATS,
    HUMAN_FORMATS,
    color,
)

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
        "--from-report",
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
