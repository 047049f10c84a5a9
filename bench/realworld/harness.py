"""Run ``errguard check`` over the real-world corpus and score it against the labels.

    python bench/realworld/fetch.py                  # once: the projects, into .cache/
    python bench/realworld/harness.py                # per-rule table, per-project table
    python bench/realworld/harness.py --check        # exit 1 on a lost TP or a returning FP
    python bench/realworld/harness.py --unlabelled   # the findings no label covers yet
    python bench/realworld/harness.py --update       # mark FPs errguard no longer reports

Labels live in ``labels/<project>.json``: one object per finding, ``path``, ``line`` and
``code`` (its identity in the pinned release), ``snippet`` (the flagged line), ``verdict``
(``TP``/``FP``), ``worth`` (``high``/``medium``/``low``: worth fixing?) and ``reason``. A false
positive that errguard stops reporting is kept, marked ``"gone": true`` by ``--update``, so that
its return fails ``--check``; a true positive that disappears fails ``--check`` at once, unless
its label says why a rule change gives it up on purpose (``"dropped": "<why>"``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from manifest import DEFAULT_CACHE, HERE, LABELS, Project, finding_key, load_labels, load_manifest

Key = tuple[str, int, str]


@dataclass
class Result:
    project: Project
    lines: int
    findings: dict[Key, dict[str, object]]
    labels: dict[Key, dict[str, object]]


def check_project(project: Project, cache: Path, labels: Path) -> Result:
    root = cache / project.name
    if not root.is_dir():
        raise SystemExit(f"{root} is missing: run bench/realworld/fetch.py first")
    command = [sys.executable, "-m", "errguard", "check", "--format", "json", "--no-cache", "."]
    completed = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if completed.returncode not in (0, 1):
        status = completed.returncode
        raise SystemExit(f"{project.name}: errguard exited {status}: {completed.stderr}")
    findings = {
        finding_key(item["path"], item["line"], item["code"]): item
        for item in json.loads(completed.stdout)
    }
    lines = sum(len(path.read_bytes().splitlines()) for path in root.rglob("*.py"))
    return Result(project, lines, findings, load_labels(project.name, labels))


def regressions(result: Result) -> list[str]:
    """Labelled true positives no longer reported, and false positives reported again."""
    problems = []
    for key, label in sorted(result.labels.items()):
        reported = key in result.findings
        where = f"{result.project.name}: {key[0]}:{key[1]} {key[2]}"
        if label["verdict"] == "TP" and not reported and not label.get("dropped"):
            problems.append(f"{where}: a labelled true positive is no longer reported")
        if label["verdict"] == "FP" and label.get("gone") and reported:
            problems.append(f"{where}: a false positive errguard had stopped reporting is back")
    return problems


def _rule_rows(results: list[Result]) -> dict[str, Counter[str]]:
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for result in results:
        for key in result.findings:
            row = rows[key[2]]
            row["findings"] += 1
            label = result.labels.get(key)
            if label is None:
                row["unlabelled"] += 1
                continue
            row[str(label["verdict"])] += 1
            row["worth"] += label["worth"] in ("high", "medium")
    return rows


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "-"


def print_tables(results: list[Result]) -> None:
    lines = sum(result.lines for result in results)
    rows = _rule_rows(results)
    total: Counter[str] = sum(rows.values(), Counter())
    print(f"{len(results)} projects, {lines:,} lines of Python\n")
    header = "| rule | findings | per 10k lines | TP | FP | precision | worth fixing | unlabelled |"
    print(header + "\n|---|---|---|---|---|---|---|---|")
    for code, row in [*sorted(rows.items()), ("all", total)]:
        labelled = row["TP"] + row["FP"]
        print(
            f"| {code} | {row['findings']} | {row['findings'] * 10_000 / lines:.2f} | {row['TP']} "
            f"| {row['FP']} | {_ratio(row['TP'], labelled)} | {_ratio(row['worth'], labelled)} "
            f"| {row['unlabelled']} |"
        )
    dropped = Counter(
        key[2]
        for result in results
        for key, label in result.labels.items()
        if label.get("dropped") and key not in result.findings
    )
    if dropped:
        listed = ", ".join(f"{code} {count}" for code, count in sorted(dropped.items()))
        print(f"\nTrue positives no longer reported by design (labels with `dropped`): {listed}")
    print("\n| project | kind | lines | findings | TP | FP | unlabelled |")
    print("|---|---|---|---|---|---|---|")
    for result in results:
        verdicts = Counter(
            str(result.labels[key]["verdict"]) if key in result.labels else "unlabelled"
            for key in result.findings
        )
        print(
            f"| {result.project.name} {result.project.version} | {result.project.kind} "
            f"| {result.lines:,} | {len(result.findings)} | {verdicts['TP']} | {verdicts['FP']} "
            f"| {verdicts['unlabelled']} |"
        )


def print_unlabelled(results: list[Result]) -> None:
    for result in results:
        for key, item in sorted(result.findings.items()):
            if key not in result.labels:
                print(f"{result.project.name}: {key[0]}:{key[1]}: {key[2]} {item['message']}")


def mark_gone(result: Result, labels: Path) -> int:
    """Record the false positives errguard no longer reports; returns how many are new."""
    changed = 0
    for key, label in result.labels.items():
        if label["verdict"] == "FP" and key not in result.findings and not label.get("gone"):
            label["gone"] = True
            changed += 1
    if changed:
        entries = sorted(result.labels.values(), key=lambda item: (item["path"], item["line"]))
        path = labels / f"{result.project.name}.json"
        path.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n")
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--manifest", type=Path, default=HERE / "manifest.toml")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--project", action="append", help="only these projects")
    parser.add_argument("--check", action="store_true", help="exit 1 on a regression")
    parser.add_argument("--unlabelled", action="store_true", help="list unlabelled findings")
    parser.add_argument("--update", action="store_true", help="mark FPs no longer reported")
    args = parser.parse_args()
    manifest = load_manifest(args.manifest)
    projects = [p for p in manifest if not args.project or p.name in args.project]
    results = [check_project(project, args.cache, args.labels) for project in projects]
    if args.unlabelled:
        print_unlabelled(results)
        return
    print_tables(results)
    if args.update:
        print(f"\nmarked gone: {sum(mark_gone(result, args.labels) for result in results)}")
    problems = [problem for result in results for problem in regressions(result)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.check and problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
