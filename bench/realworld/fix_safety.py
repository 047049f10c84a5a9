"""Apply ``errguard fix`` to copies of the real-world corpus and check that nothing broke.

    python bench/realworld/fix_safety.py                   # safe fixes, every project
    python bench/realworld/fix_safety.py --unsafe-fixes    # safe and unsafe fixes
    python bench/realworld/fix_safety.py --project pretix --keep /tmp/fixed
    python bench/realworld/fix_safety.py --no-imports      # the static checks only

For every project: copy it, run ``errguard fix`` on the copy, then check:

- every changed file still parses and compiles;
- every ``from M import name`` of the project whose ``M`` is a project module that bound
  ``name`` at run time before the fixes still finds it bound at run time (a name moved under
  ``if TYPE_CHECKING:`` or into a function is gone at run time);
- a second ``errguard fix`` changes nothing (the fixes reach a fixed point in one run);
- no (file, rule) pair has more findings after the fixes than before;
- every module of the project's packages that imported in the original tree still imports in
  the fixed tree (import_check.py: each tree in a throwaway interpreter, Django set up with the
  project's apps that this environment can load; a module that needs what is not installed
  fails in both trees and tells nothing).

Exit 1 when any check fails. What the project's own tests say about the fixes is for the
suites (issue 13, part 4), not for this script.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from import_check import TreeImports, broken_imports, import_tree, tree_modules
from manifest import DEFAULT_CACHE, HERE, load_manifest

from errguard.project.imports.usage import type_checking_test
from errguard.project.modules import module_name


@dataclass
class Outcome:
    project: str
    fixed: int = 0  # findings gone after the fix
    changed: list[str] = field(default_factory=list)
    changed_modules: set[str] = field(default_factory=set)
    unparsable: list[str] = field(default_factory=list)
    lost_names: list[str] = field(default_factory=list)
    not_idempotent: list[str] = field(default_factory=list)
    new_findings: list[str] = field(default_factory=list)
    imports_before: TreeImports | None = None
    imports_after: TreeImports | None = None
    broken_imports: list[str] = field(default_factory=list)

    @property
    def broken(self) -> bool:
        return bool(self.unparsable or self.lost_names or self.not_idempotent or self.new_findings
                    or self.broken_imports)  # fmt: skip


def errguard(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "errguard", *arguments, "--no-cache", "."]
    completed = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{root}: errguard {arguments[0]} exited {completed.returncode}: "
                         f"{completed.stderr[-2000:]}")  # fmt: skip
    return completed


def findings(root: Path) -> Counter[tuple[str, str]]:
    items = json.loads(errguard(root, "check", "--format", "json").stdout)
    return Counter((item["path"], item["code"]) for item in items)


def digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*.py"))
        if path.is_file()
    }


def runtime_names(tree: ast.Module) -> set[str] | None:
    """Names a module binds when imported (None: it may bind any name, e.g. ``import *``)."""
    names: set[str] = set()
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, ast.If):
            verdict = type_checking_test(statement.test)
            pending += statement.orelse if verdict else statement.body + statement.orelse
        elif isinstance(statement, (ast.Try, ast.With, ast.For, ast.While)):
            targets = [getattr(statement, "target", None)]
            targets += [item.optional_vars for item in getattr(statement, "items", [])]
            names |= {n.id for t in targets if t for n in ast.walk(t) if isinstance(n, ast.Name)}
            for block in ("body", "orelse", "finalbody", "handlers"):
                for item in getattr(statement, block, []):
                    pending += item.body if isinstance(item, ast.ExceptHandler) else [item]
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            for alias in statement.names:
                if alias.name == "*":
                    return None
                names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        else:
            names |= {
                node.id
                for node in ast.walk(statement)
                if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)
            }
    return None if "__getattr__" in names else names


class ProjectModules:
    """Each module of a tree: its file, and the names it binds at run time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = {module_name(path): path for path in sorted(root.rglob("*.py"))}

    def trees(self) -> dict[str, ast.Module]:
        found = {}
        for module, path in self.files.items():
            try:
                found[module] = ast.parse(path.read_bytes())
            except (SyntaxError, ValueError):
                continue
        return found


def lost_names(before: dict[str, ast.Module], after: dict[str, ast.Module]) -> list[str]:
    """``from M import name`` statements whose name M bound before the fixes and not after."""
    bound_before = {module: runtime_names(tree) for module, tree in before.items()}
    bound_after = {module: runtime_names(tree) for module, tree in after.items()}
    problems = []
    for module, tree in after.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or node.level or node.module is None:
                continue
            had, has = bound_before.get(node.module), bound_after.get(node.module)
            if had is None or has is None:
                continue
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}" in after
                if alias.name in had and alias.name not in has and not submodule:
                    problems.append(f"{module}:{node.lineno} imports {alias.name} from "
                                    f"{node.module}, which no longer binds it")  # fmt: skip
    return problems


# A fixed finding that shows under another rule is the same problem, not a new one: the EG401
# fix writes ``except Exception:`` for ``except:``, and a handler that swallows silently is then
# EG402's (EG402 leaves bare excepts to EG401).
_BECOMES = {"EG401": "EG402"}


def new_findings(before: Counter[tuple[str, str]], after: Counter[tuple[str, str]]) -> list[str]:
    """(file, rule) pairs with more findings after the fixes than before."""
    problems = []
    for (path, code), count in sorted(after.items()):
        allowed = before[(path, code)]
        for old, new in _BECOMES.items():
            if new == code:
                allowed += max(0, before[(path, old)] - after[(path, old)])
        if count > allowed:
            problems.append(f"{path} {code}: {before[(path, code)]} -> {count}")
    return problems


def check(project: str, source: Path, unsafe: bool, keep: Path | None, imports: bool) -> Outcome:
    outcome = Outcome(project)
    with tempfile.TemporaryDirectory(prefix=f"fix-{project}-") as scratch:
        root = (keep or Path(scratch)) / project
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(source, root, symlinks=True)
        modules = ProjectModules(root)
        trees_before = modules.trees()
        found_before = findings(root)
        digests_before = digests(root)
        importable = tree_modules(root) if imports else []
        if imports:
            outcome.imports_before = import_tree(root, Path(scratch), importable)
        tier = ["--unsafe-fixes"] if unsafe else []
        errguard(root, "fix", *tier)
        digests_after = digests(root)
        if outcome.imports_before is not None:
            apps = outcome.imports_before.apps
            outcome.imports_after = import_tree(root, Path(scratch), importable, apps)
            outcome.broken_imports = broken_imports(outcome.imports_before, outcome.imports_after)
        outcome.changed = sorted(p for p, d in digests_after.items() if digests_before.get(p) != d)
        outcome.changed_modules = {module_name(root / path) for path in outcome.changed}
        for relative in outcome.changed:
            path = root / relative
            try:
                compile(path.read_bytes(), str(path), "exec")
            except (SyntaxError, ValueError) as error:
                outcome.unparsable.append(f"{relative}: {error}")
        outcome.lost_names = lost_names(trees_before, modules.trees())
        errguard(root, "fix", *tier)
        outcome.not_idempotent = sorted(
            p for p, d in digests(root).items() if digests_after.get(p) != d
        )
        found_after = findings(root)
        outcome.fixed = sum((found_before - found_after).values())
        outcome.new_findings = new_findings(found_before, found_after)
    return outcome


def import_counts(outcome: Outcome) -> list[str]:
    """Modules tried, imported before and after the fixes, broken, the apps set up, and how many
    changed files are modules that imported before (the fixed code the check ran)."""
    before, after = outcome.imports_before, outcome.imports_after
    if before is None or after is None:
        return ["-"] * 6
    counts = [len(before.results), len(before.imported), len(after.imported)]
    counts += [len(outcome.broken_imports), len(before.apps)]
    return [*map(str, counts), str(len(outcome.changed_modules & before.imported))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--manifest", type=Path, default=HERE / "manifest.toml")
    parser.add_argument("--project", action="append", help="only these projects")
    parser.add_argument("--unsafe-fixes", action="store_true")
    parser.add_argument("--keep", type=Path, help="leave the fixed copies in this directory")
    parser.add_argument("--no-imports", action="store_true", help="skip the import check")
    options = parser.parse_args(argv)
    wanted = options.project
    projects = [p for p in load_manifest(options.manifest) if not wanted or p.name in wanted]
    print("| project | files changed | findings fixed | broken files | lost imports "
          "| second run changed | new findings | modules tried | imported before "
          "| imported after | broken imports | apps set up "
          "| changed modules imported before |")  # fmt: skip
    print("|---" * 13 + "|")
    broken = False
    outcomes = []
    for project in projects:
        outcome = check(project.name, options.cache / project.name, options.unsafe_fixes,
                        options.keep, not options.no_imports)  # fmt: skip
        outcomes.append(outcome)
        broken |= outcome.broken
        counts = [len(outcome.changed), outcome.fixed, len(outcome.unparsable)]
        counts += [len(outcome.lost_names), len(outcome.not_idempotent)]
        counts += [len(outcome.new_findings)]
        cells = [*map(str, counts), *import_counts(outcome)]
        print(f"| {project.name} | " + " | ".join(cells) + " |", flush=True)
    for outcome in outcomes:
        kinds = ("unparsable", "lost_names", "not_idempotent", "new_findings", "broken_imports")
        for kind in kinds:
            for line in getattr(outcome, kind):
                print(f"{outcome.project}: {kind}: {line}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
