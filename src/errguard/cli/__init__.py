"""The ``errguard`` command: check, fix, explain, rules."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO

from errguard.cli.check import command_check
from errguard.cli.common import EXIT_ERROR
from errguard.cli.fix import command_fix
from errguard.cli.info import command_explain, command_rules
from errguard.cli.parser import build_parser
from errguard.config import ConfigError
from errguard.project.cache import cache_switched_off

__all__ = ["build_parser", "main"]


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
