"""``errguard explain`` and ``errguard rules``."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from errguard.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
)
from errguard.registry import load_rules
from errguard.report import (
    color,
)


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
