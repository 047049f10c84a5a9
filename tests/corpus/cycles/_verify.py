#!/usr/bin/env python3
"""Ground-truth driver for the EG501 (crashing circular import) blind corpus.

For every case directory and every module in it, start a fresh interpreter
with cwd = case dir and run `python -B -c "import <module>"`.  A module
"crashes" when that raises ImportError / AttributeError / NameError caused by
partial initialisation (CPython's "partially initialized module" /
"most likely due to a circular import" messages).

Labels are derived mechanically from the traceback of each crash: the frames
of case modules from the (last) frame of the partially initialised module
down to the failing frame form the cycle; each such module gets a label on
its module-level import statement that leads to the next module of the cycle
(for the failing module: the statement importing the partially initialised
module).

Usage:
    python _verify.py            # rerun everything, compare with stored files
    python _verify.py --write    # rerun and (re)write observed.json/labels.json
"""
import ast
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
# The interpreter that imports each module: this one, unless EG_PYTHON names another.
PYTHON = os.environ.get("EG_PYTHON", sys.executable)
CODE = "EG501"

FRAME_RE = re.compile(r'^  File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<name>.+)$')
PARTIAL_IMPORT_RE = re.compile(r"cannot import name '[^']+' from partially initialized module '([^']+)'")
PARTIAL_ATTR_RE = re.compile(r"partially initialized module '([^']+)'(?: from '[^']+')? has no attribute")
SUBMODULE_RE = re.compile(r"cannot access submodule '([^']+)' of module '([^']+)'")
# Python 3.10 says only this when a submodule is read before its import has bound it.
UNBOUND_SUBMODULE_RE = re.compile(r"^module '([^']+)' has no attribute '([^']+)'$")
CIRCULAR_HINTS = ("partially initialized module", "most likely due to a circular import")

errors = []


def err(msg):
    errors.append(msg)


def cases():
    return sorted(
        d for d in os.listdir(ROOT)
        if not d.startswith(("_", ".")) and os.path.isdir(os.path.join(ROOT, d))
    )


def case_modules(case):
    """module name -> path relative to the case dir."""
    base = os.path.join(ROOT, case)
    mods = {}
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for fn in sorted(filenames):
            if not fn.endswith(".py"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, fn), base)
            parts = rel[:-3].split(os.sep)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            mods[".".join(parts)] = rel
    return mods


def run_import(case, module):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run(
        [PYTHON, "-B", "-c", f"import {module}"],
        cwd=os.path.join(ROOT, case), env=env,
        capture_output=True, text=True, timeout=60,
    )
    return proc.returncode, proc.stdout, proc.stderr


def parse_traceback(stderr):
    """Frames of the last traceback block and the final 'Type: message' line."""
    lines = stderr.rstrip("\n").splitlines()
    start = max(i for i, l in enumerate(lines) if l.startswith("Traceback (most recent call last):"))
    frames = []
    for l in lines[start:]:
        m = FRAME_RE.match(l)
        if m:
            frames.append((m["file"], int(m["line"]), m["name"]))
    return frames, lines[-1]


# ------------------------------------------------------------ AST helpers
class ModInfo:
    def __init__(self, case, module, rel):
        self.case, self.module, self.rel = case, module, rel
        self.is_pkg = rel.endswith("__init__.py")
        with open(os.path.join(ROOT, case, rel)) as fh:
            self.tree = ast.parse(fh.read(), filename=rel)
        self.package = module if self.is_pkg else module.rpartition(".")[0]
        # module-level import statements (also inside module-level if/try),
        # each with its nesting path
        self.imports = []
        self._collect(self.tree.body, [])

    def _collect(self, body, path):
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.imports.append((node, path))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    sub = getattr(node, field, None)
                    if isinstance(sub, list):
                        self._collect(sub, path + [node])
                if isinstance(node, ast.ExceptHandler):
                    pass

    def resolve_from(self, node):
        if node.level == 0:
            return node.module
        pkg_parts = self.package.split(".")
        if node.level > 1:
            pkg_parts = pkg_parts[: len(pkg_parts) - (node.level - 1)]
        base = ".".join(pkg_parts)
        return f"{base}.{node.module}" if node.module else base

    def targets(self, node, known):
        """(direct, all) module names the statement imports."""
        direct, allm = set(), set()
        if isinstance(node, ast.Import):
            for a in node.names:
                direct.add(a.name)
                parts = a.name.split(".")
                allm.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        else:
            base = self.resolve_from(node)
            parts = base.split(".")
            allm.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
            direct.add(base)
            for a in node.names:
                sub = f"{base}.{a.name}"
                if sub in known:
                    direct.add(sub)
                    allm.add(sub)
        return direct, allm

    def import_at(self, line):
        for node, path in self.imports:
            if node.lineno <= line <= node.end_lineno:
                return node, path
        return None, None


def is_type_checking_guard(path):
    for n in path:
        if isinstance(n, ast.If):
            t = n.test
            if (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
                    isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"):
                return True
    return False


# ------------------------------------------------------------ main logic
def analyse():
    observed, labels = {}, {}
    crash_cases = set()
    for case in cases():
        mods = case_modules(case)
        infos = {}
        for mod, rel in mods.items():
            try:
                infos[mod] = ModInfo(case, mod, rel)
            except SyntaxError as e:
                err(f"{case}/{rel}: does not parse: {e}")
        file2mod = {os.path.realpath(os.path.join(ROOT, case, rel)): mod for mod, rel in mods.items()}
        observed[case] = {}
        for mod in sorted(mods):
            rc, out, stderr = run_import(case, mod)
            if rc == 0:
                observed[case][mod] = "ok"
                continue
            frames, last = parse_traceback(stderr)
            # Messages name files by absolute path: store them relative to the corpus.
            last = last.replace(os.path.realpath(ROOT), "<corpus>").replace(ROOT, "<corpus>")
            observed[case][mod] = last
            etype, _, msg = last.partition(": ")
            unbound = UNBOUND_SUBMODULE_RE.search(msg)
            if unbound and ".".join(unbound.groups()) not in mods:
                unbound = None
            if etype not in ("ImportError", "AttributeError", "NameError") or not (
                    unbound or any(h in msg for h in CIRCULAR_HINTS)):
                err(f"{case}: import {mod} failed for a non-circular reason: {last}")
                continue
            crash_cases.add(case)
            m = PARTIAL_IMPORT_RE.search(msg) or PARTIAL_ATTR_RE.search(msg)
            if m:
                partial = m.group(1)
            elif unbound:
                partial = ".".join(unbound.groups())
            else:
                m = SUBMODULE_RE.search(msg)
                if not m:
                    err(f"{case}: cannot find the partial module in: {last}")
                    continue
                partial = f"{m.group(2)}.{m.group(1)}"
            chain = []
            for fname, line, name in frames:
                path = os.path.realpath(fname if os.path.isabs(fname) else os.path.join(ROOT, case, fname))
                if path in file2mod:
                    fm = file2mod[path]
                    if name != "<module>":
                        # class bodies run at import time; anything else
                        # (a function frame) is not module-level
                        top_classes = {n.name for n in infos[fm].tree.body if isinstance(n, ast.ClassDef)}
                        if not (chain and chain[-1][0] == fm and name in top_classes):
                            err(f"{case}: entry {mod}: case frame not at module level: {fname}:{line} in {name}")
                        chain[-1] = (fm, line)  # same module: keep innermost line
                        continue
                    chain.append((fm, line))
            idx = [i for i, (fm, _) in enumerate(chain) if fm == partial]
            if not idx:
                err(f"{case}: entry {mod}: partial module {partial} not on the stack")
                continue
            cycle = chain[idx[-1]:]
            why = f"entry module {mod} fails: {last}"
            for k, (cm, line) in enumerate(cycle):
                info = infos[cm]
                nxt = cycle[k + 1][0] if k + 1 < len(cycle) else partial
                node, path = info.import_at(line)
                if k + 1 == len(cycle) and (node is None or nxt not in info.targets(node, mods)[0]):
                    # failing frame is an attribute use (X = m.V, base class,
                    # decorator, default arg, annotation): label the
                    # module-level import of the partial module before it
                    cands = [(n, p) for n, p in info.imports
                             if n.lineno <= line and nxt in info.targets(n, mods)[0]]
                    if not cands:
                        err(f"{case}: entry {mod}: no import of {nxt} in {info.rel} before line {line}")
                        continue
                    node, path = cands[-1]
                if node is None:
                    err(f"{case}: entry {mod}: {info.rel}:{line} is not a module-level import")
                    continue
                if nxt not in info.targets(node, mods)[1]:
                    err(f"{case}: entry {mod}: {info.rel}:{node.lineno} does not import {nxt}")
                if is_type_checking_guard(path):
                    err(f"{case}: entry {mod}: label under TYPE_CHECKING at {info.rel}:{node.lineno}")
                key = (f"{case}/{info.rel}", node.lineno)
                labels.setdefault(key, why)
    label_list = [{"path": p, "line": l, "code": CODE, "why": w}
                  for (p, l), w in sorted(labels.items())]
    return observed, label_list, crash_cases


def outcomes(observed):
    """Each import's outcome: "ok" or the exception type."""
    return {
        case: {mod: result.partition(":")[0] for mod, result in results.items()}
        for case, results in observed.items()
    }


def check_consistency(observed, label_list, crash_cases):
    labelled_cases = {l["path"].split("/")[0] for l in label_list}
    for case in observed:
        crashed = case in crash_cases
        if crashed and case not in labelled_cases:
            err(f"{case}: crashes but has no labels")
        if not crashed and case in labelled_cases:
            err(f"{case}: has labels but no module crashes")
        intended = case[0]
        if intended == "c" and not crashed:
            err(f"{case}: named as crashing but nothing crashes")
        if intended == "n" and crashed:
            err(f"{case}: named as negative but something crashes")
    for l in label_list:
        path = os.path.join(ROOT, l["path"])
        case, rel = l["path"].split("/", 1)
        mod = {v: k for k, v in case_modules(case).items()}[rel]
        info = ModInfo(case, mod, rel)
        if not any(n.lineno == l["line"] for n, _ in info.imports):
            err(f"{l['path']}:{l['line']}: not a module-level import statement")
        if not os.path.exists(path):
            err(f"{l['path']}: missing")


def main():
    write = "--write" in sys.argv
    observed, label_list, crash_cases = analyse()
    check_consistency(observed, label_list, crash_cases)
    obs_path = os.path.join(ROOT, "observed.json")
    lab_path = os.path.join(ROOT, "labels.json")
    if write:
        with open(obs_path, "w") as fh:
            json.dump(observed, fh, indent=2, sort_keys=True)
            fh.write("\n")
        with open(lab_path, "w") as fh:
            json.dump(label_list, fh, indent=2)
            fh.write("\n")
    else:
        with open(obs_path) as fh:
            # Python versions word their errors differently: compare which imports fail, and how.
            if outcomes(json.load(fh)) != outcomes(observed):
                err("observed.json differs from the rerun")
        with open(lab_path) as fh:
            stored = json.load(fh)
        check_consistency(observed, stored, crash_cases)  # the stored file itself
        # The "why" quotes the interpreter's message, worded by its version: compare the places.
        s = {(x["path"], x["line"], x["code"]) for x in stored}
        r = {(x["path"], x["line"], x["code"]) for x in label_list}
        if s != r:
            err(f"labels.json differs from the rerun: only stored={sorted(s - r)} only rerun={sorted(r - s)}")
    n_mod = sum(len(v) for v in observed.values())
    n_fail = sum(1 for v in observed.values() for r in v.values() if r != "ok")
    print(f"cases={len(observed)} modules={n_mod} failing-entries={n_fail} "
          f"crashing-cases={len(crash_cases)} labels={len(label_list)} "
          f"negative-cases={len(observed) - len(crash_cases)}")
    for e in errors:
        print("ERROR:", e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
