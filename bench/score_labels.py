"""Precision and recall of ``errguard check`` against a labelled corpus.

The corpus is a directory of Python files and a ``labels.json`` beside it: a list of
``{"path": ..., "line": ..., "code": ...}``, one entry per finding a reviewer would ask to fix.
Rules report a construct on the line they find most telling (EG201 on the check, EG202 on the
change), while a label may sit on another line of the same construct, so a finding matches a
label of the same code in the same innermost function, nearest line first, each label once.

    python bench/score_labels.py tests/corpus/races
    python bench/score_labels.py tests/corpus/races --verbose   # list misses and false alarms
    python bench/score_labels.py tests/corpus/races --json      # counts, for tests
"""

from __future__ import annotations

import argparse
import ast
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Point:
    path: str
    line: int
    code: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code}"


@dataclass
class Score:
    matched: list[tuple[Point, Point]]
    false_alarms: list[Point]
    misses: list[Point]


def run_check(corpus: Path, codes: set[str]) -> list[Point]:
    """``errguard check`` on a copy of the corpus: a project of its own, away from the
    configuration (and its excludes) of wherever the corpus is kept."""
    command = [sys.executable, "-m", "errguard", "check", ".", "--format", "json"]
    command += ["--no-cache", "--select", ",".join(sorted(codes))]
    with tempfile.TemporaryDirectory() as temporary:
        copy = Path(temporary) / "corpus"
        shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns("__pycache__", "_verify"))
        (copy / "pyproject.toml").write_text("[tool.errguard]\n")
        done = subprocess.run(command, cwd=copy, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"errguard check failed ({done.returncode}):\n{done.stderr}")
    return [Point(f["path"], f["line"], f["code"]) for f in json.loads(done.stdout)]


@cache
def function_spans(path: Path) -> tuple[tuple[int, int], ...]:
    tree = ast.parse(path.read_bytes())
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
    return tuple(
        (node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, defs)
    )


def scope_of(corpus: Path, point: Point) -> tuple[int, int]:
    """The innermost function around the point (the whole module when there is none)."""
    around = [(a, b) for a, b in function_spans(corpus / point.path) if a <= point.line <= b]
    return max(around, default=(0, 0))


def score(corpus: Path, labels: list[Point], found: list[Point]) -> Score:
    unmatched = list(labels)
    matched, false_alarms = [], []
    for finding in sorted(found, key=lambda p: (p.path, p.line, p.code)):
        candidates = [
            label
            for label in unmatched
            if (label.path, label.code) == (finding.path, finding.code)
            and scope_of(corpus, label) == scope_of(corpus, finding)
        ]
        if not candidates:
            false_alarms.append(finding)
            continue
        label = min(candidates, key=lambda c: abs(c.line - finding.line))
        unmatched.remove(label)
        matched.append((label, finding))
    return Score(matched, false_alarms, unmatched)


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "n/a"


def counts(result: Score, codes: list[str]) -> dict[str, dict[str, int]]:
    """``{code: {"tp", "fp", "fn"}}``, with the totals under ``"all"``."""
    tp = Counter(label.code for label, _ in result.matched)
    fp = Counter(p.code for p in result.false_alarms)
    fn = Counter(p.code for p in result.misses)
    table = {code: {"tp": tp[code], "fp": fp[code], "fn": fn[code]} for code in codes}
    table["all"] = {key: sum(row[key] for row in table.values()) for key in ("tp", "fp", "fn")}
    return table


def report(result: Score, codes: list[str], verbose: bool) -> None:
    print(f"{'code':6} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>7}")
    for code, row in counts(result, codes).items():
        t, f, m = row["tp"], row["fp"], row["fn"]
        print(f"{code:6} {t:4} {f:4} {m:4} {ratio(t, t + f):>10} {ratio(t, t + m):>7}")
    if verbose:
        for title, points in (("false alarms", result.false_alarms), ("misses", result.misses)):
            print(f"\n{title}:")
            for point in points:
                print(f"  {point}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="directory with the code and labels.json")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every mismatch")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    labels = [
        Point(item["path"], item["line"], item["code"])
        for item in json.loads((corpus / "labels.json").read_text())
    ]
    codes = sorted({label.code for label in labels})
    result = score(corpus, labels, run_check(corpus, set(codes)))
    if args.json:
        print(json.dumps(counts(result, codes)))
    else:
        report(result, codes, args.verbose)


if __name__ == "__main__":
    main()
