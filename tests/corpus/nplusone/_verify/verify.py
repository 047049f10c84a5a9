"""Drive every case at several data sizes and check the labels.

Each specs/<case>.py defines seed(n), SCENARIOS, POSITIVES, NEGATIVES.
A POSITIVE/NEGATIVE entry locates its line by a substring `match`
(+ optional `occ`, 1-based occurrence) in `file` of the case.

Checks:
  * positive line: query count attributed to the line (any case frame on the
    stack) strictly grows with n in at least one scenario.
  * negative line: executed, and its query count is identical for all n in
    every scenario.
  * every line that is the innermost case frame of a growing query count is a
    positive or one of its `via` lines; orphan (no case frame) counts constant.
Writes ../labels.json and ../negatives_resolved.json.
"""
import ast
import importlib.util
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = sys.executable
SIZES = (4, 8, 12)


def resolve(case, file, match, occ=None):
    path = os.path.join(ROOT, case, file)
    lines = open(path).read().splitlines()
    found = [i + 1 for i, l in enumerate(lines) if match in l]
    if occ is None and len(found) != 1:
        raise SystemExit("%s/%s: match %r found %d times %s" % (case, file, match, len(found), found))
    occ = occ or 1
    if len(found) < occ:
        raise SystemExit("%s/%s: match %r occ %d not found" % (case, file, match, occ))
    return found[occ - 1]


def load_spec(case):
    p = os.path.join(HERE, "specs", case + ".py")
    src = open(p).read()
    # Only the label tables are needed here; exec them without Django.
    ns = {}
    start = src.index("# ---- labels ----")
    exec(src[start:], ns)
    return ns


def main(only=None):
    cases = sorted(d for d in os.listdir(ROOT)
                   if not d.startswith(("_", ".")) and os.path.isdir(os.path.join(ROOT, d)))
    if only:
        cases = [c for c in cases if c in only]
    labels, negs, problems = [], [], []
    uncovered = []
    summary = []
    for case in cases:
        spec = load_spec(case)
        runs = {}
        for n in SIZES:
            r = subprocess.run([PY, os.path.join(HERE, "run_case.py"), case, str(n)],
                               capture_output=True, text=True)
            if r.returncode != 0:
                problems.append("%s n=%d crashed:\n%s" % (case, n, r.stderr[-3000:]))
                break
            runs[n] = json.loads(r.stdout.strip().splitlines()[-1])
        if len(runs) != len(SIZES):
            continue
        scen = list(runs[SIZES[0]].keys())

        def series(s, kind, key):
            return [runs[n][s][kind].get(key, 0) for n in SIZES]

        def growing(v):
            return all(b > a for a, b in zip(v, v[1:]))

        explained = set()
        for p in spec["POSITIVES"]:
            line = resolve(case, p["file"], p["match"], p.get("occ"))
            key = "%s/%s:%d" % (case, p["file"], line)
            explained.add(key)
            for vf, vm in p.get("via", []):
                explained.add("%s/%s:%d" % (case, vf, resolve(case, vf, vm)))
            ok = [s for s in scen if growing(series(s, "any", key))]
            if not ok:
                problems.append("%s POSITIVE not growing: %s %r %s" % (
                    case, key, p["match"], {s: series(s, "any", key) for s in scen}))
            labels.append({"path": "%s/%s" % (case, p["file"]), "line": line,
                           "code": p["code"], "why": p["why"],
                           "_scen": ok, "_q": {s: series(s, "any", key) for s in ok}})
        for ng in spec["NEGATIVES"]:
            line = resolve(case, ng["file"], ng["match"], ng.get("occ"))
            key = "%s/%s:%d" % (case, ng["file"], line)
            hit = [s for s in scen if any(series(s, "hits", key))]
            if not hit:
                problems.append("%s NEGATIVE never executed: %s %r" % (case, key, ng["match"]))
            if hit and not ng.get("fixed"):
                if not any(growing(series(s, "hits", key)) for s in hit):
                    problems.append("%s NEGATIVE line does not execute per item (hits constant): %s %r" % (case, key, ng["match"]))
            for s in scen:
                v = series(s, "any", key)
                if len(set(v)) != 1:
                    problems.append("%s NEGATIVE not constant: %s %r %s %s" % (case, key, ng["match"], s, v))
            negs.append({"path": "%s/%s" % (case, ng["file"]), "line": line, "why": ng["why"],
                         "_q": {s: series(s, "any", key) for s in hit},
                         "_hits": {s: series(s, "hits", key) for s in hit}})
        for s in scen:
            keys = set()
            for n in SIZES:
                keys |= set(runs[n][s]["inner"])
            for k in sorted(keys):
                v = series(s, "inner", k)
                if len(set(v)) != 1 and k not in explained:
                    problems.append("%s UNEXPLAINED growing query line %s in %s: %s" % (case, k, s, v))
            o = [runs[n][s]["orphan"] for n in SIZES]
            if len(set(o)) != 1:
                problems.append("%s orphan queries grow in %s: %s" % (case, s, o))
        summary.append((case, {s: [runs[n][s]["total"] for n in SIZES] for s in scen}))
        # coverage: statements inside functions never executed by any scenario
        hit_keys = set()
        for n in SIZES:
            for s in scen:
                hit_keys |= set(runs[n][s]["hits"])
        for dirpath, _, files in os.walk(os.path.join(ROOT, case)):
            for fn in files:
                if not fn.endswith(".py"):
                    continue
                full = os.path.join(dirpath, fn)
                rel = os.path.relpath(full, ROOT)
                tree = ast.parse(open(full).read())
                for func in ast.walk(tree):
                    if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        for node in ast.walk(func):
                            if isinstance(node, ast.stmt) and node is not func and not isinstance(node, (ast.FunctionDef,)):
                                if "%s:%d" % (rel, node.lineno) not in hit_keys:
                                    uncovered.append("%s:%d" % (rel, node.lineno))

    for case, tot in summary:
        print("%-28s %s" % (case, tot))
    print()
    print("UNCOVERED statements (review manually):")
    for u in uncovered:
        print("   ", u)
    if problems:
        print("PROBLEMS:")
        for p in problems:
            print(" -", p)
    else:
        print("ALL CHECKS PASSED")
    if not only:
        with open(os.path.join(HERE, "labels_verified.json"), "w") as f:
            json.dump(labels, f, indent=1)
        with open(os.path.join(HERE, "negatives_resolved.json"), "w") as f:
            json.dump(negs, f, indent=1)
        with open(os.path.join(ROOT, "labels.json"), "w") as f:
            json.dump([{k: l[k] for k in ("path", "line", "code", "why")} for l in labels], f, indent=1)
    return not problems


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)
