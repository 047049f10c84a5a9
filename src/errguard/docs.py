"""Rule documentation, generated from each rule's docstring and examples.

``errguard explain CODE`` prints exactly what ``docs/rules/CODE.md`` holds; a test fails when
the committed files are stale. Regenerate with ``python -m errguard.docs docs/rules``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from errguard.models import Applicability, Invalid, Valid
from errguard.registry import Rule, load_rules


def _fix_line(rule: type[Rule]) -> str:
    if rule.fix is Applicability.SAFE:
        return "safe: applied by `errguard fix`"
    if rule.fix is Applicability.UNSAFE:
        return "unsafe: applied by `errguard fix --unsafe-fixes`"
    return "none"


def _code_block(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```\n"


def rule_markdown(rule: type[Rule]) -> str:
    documentation = rule.documentation().split("\n", 1)
    body = documentation[1].strip() if len(documentation) > 1 else ""
    parts = [
        f"# {rule.code}: {rule.slug()}\n",
        f"**{rule.summary()}**\n",
        f"- Fix: {_fix_line(rule)}",
        f"- Enabled by default: {'no (select it by its full code)' if rule.opt_in else 'yes'}",
        f"- Message: `{rule.message_template()}`\n",
        f"{body}\n",
    ]
    examples: list[Valid | Invalid] = [*rule.INVALID, *rule.VALID]
    files = {
        name: text for example in examples for name, text in example.files.items() if text.strip()
    }
    if files:
        parts.append("## Modules the examples import\n")
        parts.extend(f"`{name}`:\n\n{_code_block(text)}" for name, text in sorted(files.items()))
    if rule.INVALID:
        parts.append("## Flagged (from the test suite)\n")
        parts.extend(_code_block(example.source) for example in rule.INVALID)
    if rule.VALID:
        parts.append("## Not flagged (from the test suite)\n")
        parts.extend(_code_block(example.source) for example in rule.VALID)
    return "\n".join(parts)


def index_markdown() -> str:
    rows = [
        "# Rules\n",
        "Generated from the rule classes in `src/errguard/rules/`; "
        "`errguard explain CODE` prints the same pages.\n",
        "| code | name | what it flags | fix | default |",
        "|---|---|---|---|---|",
    ]
    for code, rule in load_rules().items():
        fix = rule.fix.value if rule.fix else "none"
        default = "opt-in" if rule.opt_in else "on"
        rows.append(
            f"| [{code}]({code}.md) | {rule.slug()} | {rule.summary()} | {fix} | {default} |"
        )
    return "\n".join(rows) + "\n"


def generated_files() -> dict[str, str]:
    files = {f"{code}.md": rule_markdown(rule) for code, rule in load_rules().items()}
    files["README.md"] = index_markdown()
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write (or --check) the generated rule docs.")
    parser.add_argument("directory", type=Path, nargs="?", default=Path("docs/rules"))
    parser.add_argument("--check", action="store_true", help="fail when the files are stale")
    args = parser.parse_args(argv)
    stale = []
    for name, content in generated_files().items():
        path = args.directory / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != content:
            stale.append(name)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
    if args.check and stale:
        print(f"stale rule docs: {', '.join(stale)}; run python -m errguard.docs", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
