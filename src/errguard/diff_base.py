"""``errguard check --diff-base REF``: only the findings on lines changed since REF, for CI.

The lines come from git: ``git diff --unified=0`` from where the branch left REF (``git
merge-base REF HEAD``, as a pull request's diff) to the working tree, so committed, staged and
unstaged edits all count; untracked files that git does not ignore count whole. Added and
modified lines count, deleted ones cannot (nothing is left on them to report); a renamed file
counts only its edited lines. A project-wide finding (an import cycle) is kept when any import
of its chain sits on a changed line, wherever the finding itself is reported.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from errguard.config import Config
from errguard.detect.engine import FileResult
from errguard.models import Violation
from errguard.project import project_for
from errguard.registry import load_rules

_HUNK = re.compile(r"@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class DiffBaseError(Exception):
    """git cannot say what changed: not a repository, an unknown REF, no git."""


@dataclass(frozen=True)
class ChangedLines:
    top: Path  # the repository's top level, symbolic links resolved
    # Path relative to ``top`` -> its added or modified lines; None: every line (untracked).
    files: Mapping[str, frozenset[int] | None]

    def touches(self, path: Path, line: int) -> bool:
        # The directory resolved, not the file: git tracks a symbolic link as itself.
        real = Path(os.path.realpath(path.parent)) / path.name
        try:
            relative = real.relative_to(self.top).as_posix()
        except ValueError:
            return False
        if relative not in self.files:
            return False
        lines = self.files[relative]
        return lines is None or line in lines


def changed_since(ref: str, start: Path) -> ChangedLines:
    """The lines changed since ``ref`` in the repository holding ``start`` (a file or folder)."""
    folder = start if start.is_dir() else start.parent
    top = Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip())
    commit = _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    if not commit.strip():
        raise DiffBaseError(f"--diff-base: unknown revision {ref!r}")
    base = _git(top, "merge-base", commit.decode().strip(), "HEAD", check=False).decode().strip()
    if not base:
        raise DiffBaseError(
            f"--diff-base: {ref!r} and HEAD have no commit in common "
            "(in a shallow clone, fetch the history back to where the branch left it)"
        )
    diff = _git(
        top,
        *("-c", "core.quotepath=on", "diff", "--unified=0", "--no-color", "--no-ext-diff"),
        *("--no-textconv", "-M", "--src-prefix=a/", "--dst-prefix=b/", base, "--"),
    )
    lines = diff.decode(errors="replace").splitlines()
    files: dict[str, frozenset[int] | None] = dict(added_lines(lines))
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z")
    files.update((os.fsdecode(name), None) for name in untracked.split(b"\0") if name)
    return ChangedLines(Path(os.path.realpath(top)), files)


def added_lines(diff: Iterable[str]) -> Iterable[tuple[str, frozenset[int]]]:
    """(path, lines added or modified) for each file of a ``--unified=0`` diff."""
    path: str | None = None
    lines: set[int] = set()
    old_left = new_left = 0
    for text in diff:
        if old_left or new_left:  # inside a hunk: content, even when it looks like a header
            if text.startswith("-"):
                old_left -= 1
            elif text.startswith("+"):
                new_left -= 1
            continue
        hunk = _HUNK.match(text)
        if hunk is not None and path is not None:
            old_left = int(hunk[1] or 1)
            start, new_left = int(hunk[2]), int(hunk[3] or 1)
            lines.update(range(start, start + new_left))
        elif text.startswith("+++ "):
            if path is not None:
                yield path, frozenset(lines)
            path, lines = _diff_path(text[4:]), set()
    if path is not None:
        yield path, frozenset(lines)


def _diff_path(name: str) -> str | None:
    """``b/app/x.py`` (C-quoted when it holds unusual bytes) -> ``app/x.py``; None: deleted."""
    if name == "/dev/null":
        return None
    if name.startswith('"'):
        name = os.fsdecode(ast.literal_eval(f"b{name}"))
    return name.rstrip("\t").removeprefix("b/")


def _git(cwd: Path, *args: str, check: bool = True) -> bytes:
    try:
        completed = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, stdin=subprocess.DEVNULL
        )
    except OSError as exc:
        raise DiffBaseError(f"--diff-base needs git: {exc.strerror or exc}") from None
    if check and completed.returncode != 0:
        said = completed.stderr.decode(errors="replace").strip().splitlines()
        raise DiffBaseError(f"--diff-base: {said[-1] if said else 'git ' + args[0] + ' failed'}")
    return completed.stdout


def keep_changed(
    checked: Iterable[tuple[Path, FileResult]], changed: ChangedLines, config: Config
) -> None:
    """Leave in each result only the findings on changed lines (or with a chain through one)."""
    project_wide = {code for code, rule in load_rules().items() if rule.uses_import_graph}
    for path, result in checked:
        result.violations = [
            v
            for v in result.violations
            if changed.touches(path, v.line)
            or (v.code in project_wide and _chain_touches(path, v, changed, config))
        ]


def _chain_touches(path: Path, violation: Violation, changed: ChangedLines, config: Config) -> bool:
    return any(
        changed.touches(step_path, line) for step_path, line in chain(path, violation, config)
    )


def chain(path: Path, violation: Violation, config: Config) -> Sequence[tuple[Path, int]]:
    """The imports (file, line) of the cycle an import-cycle finding reports."""
    project = project_for(path, config)
    module = project.module_name(path)
    modules = project.imports.modules
    return [
        (modules[step.module].path, step.line)
        for finding in project.import_cycles.findings(module, violation.code)
        if finding.line == violation.line
        for step in finding.steps
        if step.module in modules
    ]
