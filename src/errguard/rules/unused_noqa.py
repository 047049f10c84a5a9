from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Sequence

from errguard.detect.flake8 import FAILURE_CODE
from errguard.detect.noqa import Directive, LogicalLines, file_is_exempt
from errguard.detect.source import SourceFile
from errguard.models import Applicability, Invalid, Valid, Violation
from errguard.registry import Rule, load_rules

_MENTIONS_NOQA = re.compile(rb"noqa", re.IGNORECASE)


class UnusedNoqa(Rule):
    """`# noqa` lists an errguard code that suppresses nothing.

    ## What it does
    Reports the errguard codes (`EG...`) of a `# noqa: ...` comment that suppressed no finding
    in this run, and the `EG` codes that name no errguard rule, like ruff's RUF100. A code
    counts as unused only when every rule it names ran on the file: the `# noqa` of a rule that
    is not selected, is ignored for the file, or is left to another linter is never judged,
    and a prefix (`EG4`) only when all the rules it covers ran.

    Never reported: a bare `# noqa` and the codes of other tools (`E501`, `F401`): errguard
    cannot know what they silence. Nor `EG002` itself (it silences this rule on a line),
    `EG000` (the flake8 plugin's own code), or a `# noqa` that only appears inside a string.

    The rule needs the other rules' findings before `# noqa` applies, so it runs in
    `errguard check` and `errguard fix` only. The flake8 plugin leaves `# noqa` to flake8 and
    never reports EG002 (the `flake8-noqa` plugin does the same job there).

    ## Why is this bad?
    A stale `# noqa` hides the next real finding on its line: the code was fixed or moved and
    the comment stayed. An unknown code is a typo that suppresses nothing.

    ## Example
    ```python
    try:
        push()
    except Exception:  # noqa: EG401 was a bare except
        log.exception("push failed")
    ```

    ## Use instead
    ```python
    try:
        push()
    except Exception:  # was a bare except
        log.exception("push failed")
    ```

    ## Fix safety
    Safe: the fix removes only the codes that suppressed nothing and keeps the other tools'
    codes. When no code is left, the directive goes and the rest of the comment stays
    (`# noqa: EG101  # why` becomes `# why`); an empty comment goes with the space before it.
    It never turns a list into a bare `# noqa`. `errguard fix` applies it once the other fixes
    are done, as one of them can make a listed code needed again (the fix of a bare `except:`
    gives an `except Exception:` that the `EG402` of its `# noqa` may then silence).

    This rule is opt-in: select it with `extend-select = ["EG002"]`.
    """

    code = "EG002"
    message = "unused `noqa` directive ({details})"
    fix = Applicability.SAFE
    fix_title = "{title}"
    opt_in = True
    reviews_findings = True

    def review(
        self, source: SourceFile, findings: Sequence[Violation], enabled: frozenset[str]
    ) -> list[Violation]:
        if not _MENTIONS_NOQA.search(source.data) or file_is_exempt(source.lines):
            return []
        logical = LogicalLines(source.text, source.lines)
        found_on: defaultdict[int, set[str]] = defaultdict(set)
        for finding in findings:
            group = logical.group(finding.line)
            if group is not None:
                found_on[group[1]].add(finding.code)
        known = load_rules().keys()
        reported = []
        for directive in logical.directives():
            found = found_on[directive.line]
            unused, unknown = _stale_codes(directive.codes, found, known, enabled)
            if unused or unknown:
                reported.append(self._finding(source, directive, unused, unknown))
        return reported

    def _finding(
        self, source: SourceFile, directive: Directive, unused: list[str], unknown: list[str]
    ) -> Violation:
        stale = {*unused, *unknown}
        kept = [code for code in directive.codes if code not in stale]
        details = "; ".join(
            f"{label}: {', '.join(f'`{code}`' for code in codes)}"
            for label, codes in (("unused", unused), ("unknown", unknown))
            if codes
        )
        written = directive.comment[directive.start : directive.end].rstrip(", \t")
        column = directive.column + directive.start + 1
        title = "Remove the unused codes" if kept else "Remove the `noqa` directive"
        return Violation(
            code=self.code,
            message=self.message.format(details=details),
            line=directive.line,
            column=column,
            end_line=directive.line,
            end_column=column + len(written),
            path=source.display,
            fix=self.fix,
            fix_data={
                "comment": [directive.line, directive.column + 1],
                "replacement": directive.listing(kept),
                "title": title,
            },
        )

    VALID = (
        Valid("x = 1  # noqa\n"),
        Valid("x = 1  # noqa: E501\n"),
        # EG101 did not run on this file (only EG002 runs on an example): not judged.
        Valid("x = 1  # noqa: EG101\n"),
        Valid('x = "# noqa: EG999"\n'),
        Valid("x = 1  # noqa: EG002\n"),
    )
    INVALID = (
        Invalid(
            "x = 1  # noqa: EG999\n",
            line=1,
            column=8,
            message="unused `noqa` directive (unknown: `EG999`)",
            fixed="x = 1\n",
        ),
        Invalid(
            "total = compute()  # noqa: E501, EG999  # the URL is long\n",
            column=20,
            fixed="total = compute()  # noqa: E501  # the URL is long\n",
        ),
        Invalid(
            "value = parse(raw)  # type: ignore[arg-type]  # noqa: EG998\n",
            fixed="value = parse(raw)  # type: ignore[arg-type]\n",
        ),
        Invalid(
            "# noqa: EG998 the old check\nx = 1\n",
            line=1,
            column=1,
            fixed="# the old check\nx = 1\n",
        ),
        Invalid(
            'log.error("""\n    failed\n""")  # noqa:EG997,EG998\n',
            line=3,
            message="unused `noqa` directive (unknown: `EG997`, `EG998`)",
            fixed='log.error("""\n    failed\n""")\n',
        ),
    )


def _stale_codes(
    codes: Sequence[str], found: Collection[str], known: Collection[str], enabled: frozenset[str]
) -> tuple[list[str], list[str]]:
    """The listed codes that silenced none of ``found`` though their rules ran, and the ``EG``
    codes that name no rule."""
    unused, unknown = [], []
    for code in codes:
        if not code.startswith("EG") or code == FAILURE_CODE or UnusedNoqa.code.startswith(code):
            continue
        covered = [rule for rule in known if rule.startswith(code)]
        if not covered:
            unknown.append(code)
        elif set(covered) <= enabled and not any(f.startswith(code) for f in found):
            unused.append(code)
    return unused, unknown
