"""Run every case through run_case.py (one subprocess per case), then write
../labels.json and ../negatives.md from the verified results."""
import ast
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = sys.executable

cases = sorted(
    d for d in os.listdir(ROOT)
    if not d.startswith(("_", ".")) and os.path.isfile(os.path.join(ROOT, d, "models.py"))
)

# every .py under the corpus must parse
bad = []
for dirpath, _, files in os.walk(ROOT):
    for f in files:
        if f.endswith(".py"):
            p = os.path.join(dirpath, f)
            try:
                ast.parse(open(p).read(), p)
            except SyntaxError as e:
                bad.append(f"{p}: {e}")
if bad:
    print("PARSE ERRORS:\n" + "\n".join(bad))
    sys.exit(1)

failed = []
results = []
for case in cases:
    proc = subprocess.run([PY, os.path.join(HERE, "run_case.py"), case], capture_output=True, text=True)
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    print(f"{case:28} {'OK' if proc.returncode == 0 else 'FAIL'}")
    if proc.returncode != 0:
        failed.append(case)
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        continue
    with open(os.path.join(HERE, "results", f"{case}.json")) as fh:
        results.append(json.load(fh))

if failed:
    print("FAILED:", failed)
    sys.exit(1)

labels = []
for r in results:
    for e in r["labels"]:
        labels.append({"path": e["path"], "line": e["line"], "code": e["code"], "why": e["why"]})
labels.sort(key=lambda x: (x["path"], x["line"]))
keys = [(x["path"], x["line"]) for x in labels]
assert len(keys) == len(set(keys)), "duplicate label lines"

# sanity: labelled line text is non-blank
for x in labels:
    text = open(os.path.join(ROOT, x["path"])).read().split("\n")[x["line"] - 1]
    assert text.strip(), x

with open(os.path.join(ROOT, "labels.json"), "w") as fh:
    json.dump(labels, fh, indent=2)
    fh.write("\n")

lines = [
    "# Hard negatives",
    "",
    "Lines that look like N+1 candidates (relation access or query inside a loop, or a per-row hook)",
    "but run a constant number of queries. Each was executed by the harness at N=3, 6 and 9 and its",
    "query count (queries with this line anywhere on the stack) stayed constant. `counts` are those",
    "totals for the three sizes.",
    "",
]
n_neg = 0
for r in results:
    lines.append(f"## {r['case']}")
    lines.append("")
    for n in r["negatives"]:
        src = open(os.path.join(ROOT, n["path"])).read().split("\n")[n["line"] - 1].strip()
        lines.append(f"- `{n['path']}:{n['line']}` - {n['note']} (counts {n['counts']})")
        lines.append(f"  - `{src}`")
        n_neg += 1
    lines.append("")
with open(os.path.join(ROOT, "negatives.md"), "w") as fh:
    fh.write("\n".join(lines))

by_code = {}
for x in labels:
    by_code[x["code"]] = by_code.get(x["code"], 0) + 1
print(f"cases={len(results)} labels={len(labels)} {by_code} negatives={n_neg}")
