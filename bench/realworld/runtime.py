"""Runtime ground truth for the real-world corpus: N+1s the projects' own test suites run into.

    python bench/realworld/runtime.py setup django-allauth   # sdist, venv, test requirements
    python bench/realworld/runtime.py run django-allauth     # the suite with errguard's plugin
    python bench/realworld/runtime.py score [--check]        # recall of `errguard check`
    python bench/realworld/runtime.py fixrun hyperkitty --unsafe   # part 4: suite after `fix`

``suites.toml`` names, for some projects of ``manifest.toml``, the sdist of the pinned version
(which has the test suite the wheel lacks), the interpreter, what to install and how to run
pytest. ``setup`` downloads and verifies the sdist into ``.cache-suites/`` (not committed),
checks that its package directories are the corpus wheel's, and makes a venv with the
requirements and errguard (editable, from this repository). ``run`` runs the suite with
errguard's pytest plugin (``--nplusone=warn``) and ``runtime_dump.py``, and merges every N+1
site it reported into ``runtime/<project>.json``, keeping the reviews of sites already there.

A reviewer reads each site's code and sets ``real`` (``true``: an N+1 within one call into
project code, over data that can grow; ``false``: not one, ``reason`` says why: a loop in a test,
a fixed-size loop, ...), and for a real site that ``check`` does not match on its own, either
``static`` (the ``path:line`` of the EG101/EG102/EG103 findings that flag the same loop, when the
runtime site is in a function the loop calls) or ``miss`` (why ``check`` cannot see it).
``score`` needs only the committed JSON and the corpus (``fetch.py``): it runs ``errguard check``
over each project and prints, per project, the real sites ``check`` flags on the same loop and
each miss with its cause. A finding flags a site when it is on the site's line, or when the
loop it names is the site's iterated queryset's line, in the same file, or when the review's
``static`` names it.

``fixrun`` copies the sdist, applies ``errguard fix`` (``--unsafe`` adds ``--unsafe-fixes``) to
the corpus's package directories, runs the suite on the copy and compares each test's outcome and
query count with the last ``run``; the result goes to ``runtime/<project>.json`` under ``fix``.

Suites take minutes to tens of minutes each: this is not run by CI. ``score`` is quick.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifest import DEFAULT_CACHE, HERE, load_manifest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

REPO = HERE.parent.parent
SUITES_CACHE = HERE / ".cache-suites"
RUNTIME = HERE / "runtime"
REVIEW_FIELDS = (
    "real", "reason", "static", "miss", "stacks", "most_in_one_call", "reviewed_by",
    "duplicate_of", "flagged",
)  # fmt: skip
TEST_CODE = re.compile(r"(^|/)(tests?|test_utils)(/|\.py$)|(^|/)(test_[^/]*|conftest)\.py$")
N_PLUS_ONE_CODES = "EG101,EG102,EG103"

_LAZY = re.compile(
    r"^(?P<what>.+?) (?P<verb>loaded lazily|queried again despite prefetch_related) at "
    r"(?:(?P<path>\S+):(?P<line>\d+) in (?P<function>.+)|a call site outside project code)$"
)
_QUERY = re.compile(
    r"^the same query ran repeatedly at "
    r"(?:(?P<path>\S+):(?P<line>\d+) in (?P<function>\{[%{].*?[%}]\}|\S+)"
    r"|a call site outside project code): "
    r"(?P<query>.*)$",
    re.DOTALL,
)
# "the queryset iterated at app/x.py:8", or for a template loop "the queryset that
# {% for b in books %} iterates at app/templates/books.html:2 (rendered from app/views.py:17)".
_ORIGIN = re.compile(r"the queryset (?:iterated|that .*? iterates) at (?P<path>\S+):(?P<line>\d+)")
_LOOP_LINE = re.compile(r" at line (?P<line>\d+)")
# The reads an EG103 message names: "each row loads `email.attachments` (line 3) and ...".
_ROW_READS = re.compile(r"each row loads (?P<reads>.*?): ")
_READ = re.compile(r"`(\w+(?:\.\w+)+)`")


@dataclass(frozen=True)
class Suite:
    project: str
    sdist: str
    sha256: str
    python: str
    packages: list[str]
    install: list[str]
    pytest_args: list[str]
    database: str
    subset: str
    env: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> Path:
        """The unpacked sdist: its top directory is the archive's name without ``.tar.gz``."""
        return SUITES_CACHE / "src" / self.sdist.removesuffix(".tar.gz")

    @property
    def venv(self) -> Path:
        return SUITES_CACHE / "venvs" / self.project

    @property
    def python_bin(self) -> Path:
        return self.venv / "bin" / "python"


def load_suites(path: Path = HERE / "suites.toml") -> dict[str, Suite]:
    with path.open("rb") as handle:
        return {entry["project"]: Suite(**entry) for entry in tomllib.load(handle)["suite"]}


def _interpreter(version: str) -> str:
    found = shutil.which(f"python{version}")
    if found:
        return found
    finder = REPO / ".ci" / "find-python"
    result = subprocess.run([str(finder), version], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def setup(suite: Suite) -> None:
    sdists = SUITES_CACHE / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    archive = sdists / suite.sdist
    if not archive.exists():
        version = {p.name: p.version for p in load_manifest()}[suite.project]
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--no-binary=:all:", "--dest", str(sdists), f"{suite.project}=={version}",
        ]  # fmt: skip
        subprocess.run(command, check=True)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != suite.sha256:
        raise SystemExit(f"{suite.project}: sha256 {digest} is not suites.toml's {suite.sha256}")
    if not suite.source.is_dir():
        with tarfile.open(archive) as tar:
            tar.extractall(suite.source.parent, filter="data")
    _check_same_code(suite)
    if not suite.python_bin.exists():
        subprocess.run([_interpreter(suite.python), "-m", "venv", str(suite.venv)], check=True)
    pip = [str(suite.python_bin), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, *suite.install, "-e", str(REPO)], cwd=suite.source, check=True)


def _check_same_code(suite: Suite) -> None:
    """The sdist's package directories must be the corpus wheel's, file for file."""
    corpus = DEFAULT_CACHE / suite.project
    if not corpus.is_dir():
        raise SystemExit(f"{corpus} is missing: run bench/realworld/fetch.py first")
    for package in suite.packages:
        ours = {p.relative_to(suite.source): p for p in (suite.source / package).rglob("*.py")}
        theirs = {p.relative_to(corpus): p for p in (corpus / package).rglob("*.py")}
        differ = sorted(
            str(name)
            for name in ours.keys() | theirs.keys()
            if name not in ours
            or name not in theirs
            or ours[name].read_bytes() != theirs[name].read_bytes()
        )
        if differ:
            raise SystemExit(f"{suite.project}: sdist and wheel differ in {differ[:5]}")


def _pytest(
    suite: Suite,
    root: Path,
    dump: Path,
    log: Path,
    timeout: int,
    *,
    tests: list[str] | None = None,
    extra_env: dict[str, str] | None = None,
) -> float:
    env = {
        **os.environ,
        **suite.env,
        **(extra_env or {}),
        "ERRGUARD_RUNTIME_DUMP": str(dump),
        "ERRGUARD_RUNTIME_PACKAGES": ",".join(suite.packages),
        # The root first: a fixed copy's code wins over the editable install of the original.
        "PYTHONPATH": os.pathsep.join([str(root), str(HERE)]),
    }
    command = [
        str(suite.python_bin), "-m", "pytest", "-p", "runtime_dump", "-p", "no:cacheprovider",
        "-q", "--nplusone=warn", *suite.pytest_args,
    ]  # fmt: skip
    if tests is not None:  # the suite's options, its node ids instead of its paths
        command = [*command[: -len(suite.pytest_args)], *_options(suite.pytest_args), *tests]
    started = time.monotonic()
    with log.open("w") as output:
        subprocess.run(
            ["nice", "timeout", str(timeout), *command],
            cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT, check=False,
        )  # fmt: skip
    if not dump.exists():
        raise SystemExit(f"{suite.project}: the suite wrote no results; see {log}")
    return time.monotonic() - started


def _options(arguments: list[str]) -> list[str]:
    return [argument for argument in arguments if argument.startswith("-")]


def stacks(suite: Suite, timeout: int) -> None:
    """Rerun the tests that hit each site, recording the stacks of the site's queries."""
    data = load_runtime(suite.project)
    sites = [site for site in data["sites"] if site["path"] and not site.get("not_in_last_run")]
    runs = SUITES_CACHE / "runs"
    targets = runs / f"{suite.project}-stack-targets.json"
    targets.write_text(json.dumps(sorted({f"{s['path']}:{s['line']}" for s in sites})))
    tests = sorted({test for site in sites for test in site["example_tests"]})
    dump, log = runs / f"{suite.project}-stacks.json", runs / f"{suite.project}-stacks.log"
    extra = {"ERRGUARD_RUNTIME_STACKS": str(targets)}
    _pytest(suite, suite.source, dump, log, timeout, tests=tests, extra_env=extra)
    found = json.loads(Path(str(targets) + ".out.json").read_text())
    data = load_runtime(suite.project)  # again: reviews may have been written meanwhile
    for site in data["sites"]:
        if not site["path"] or site.get("not_in_last_run"):
            continue
        location = f"{site['path']}:{site['line']}"
        per_test = found["stacks"].get(location, {})
        most = found["most_in_one_call"].get(location, {})
        site["most_in_one_call"] = {
            test: most[test] for test in site["example_tests"] if test in most
        }
        site["stacks"] = {
            test: [
                f"{count}x {stack}"
                for stack, count in sorted(per_test[test].items(), key=lambda kv: -kv[1])[:3]
            ]
            for test in site["example_tests"]
            if test in per_test
        }
    save_runtime(data)
    print(f"{suite.project}: stacks of {len(sites)} sites from {len(tests)} tests")


def triage(suite: Suite) -> None:
    """Settle the sites that need no reading, by rule; every other site is left to a reviewer.

    - no project frame at all: not real;
    - the line is in test code (a test, a test helper, a test settings or fixture app): not real;
    - with stacks recorded, no call from test code into project code ran the query twice in any
      example test: the repeats are the test's own calls (requests, loops, setup).
    """
    data = load_runtime(suite.project)
    counts: dict[str, int] = {}
    for site in data["sites"]:
        if site["real"] is not None or site.get("not_in_last_run"):
            continue
        verdict = _rule(site)
        if verdict is not None:
            site["real"], site["reason"], site["reviewed_by"] = False, verdict, "rule"
            counts[verdict[:40]] = counts.get(verdict[:40], 0) + 1
    save_runtime(data)
    left = sum(site["real"] is None for site in data["sites"])
    print(f"{suite.project}: settled by rule {counts}; {left} left to review")


def _rule(site: dict[str, Any]) -> str | None:
    if site["path"] is None:
        return "rule: no frame of project code on the stack (library code only)"
    if TEST_CODE.search(site["path"]):
        return "rule: the query runs in test code (a loop in a test or a test helper)"
    most = site.get("most_in_one_call")
    if most and max(most.values()) == 1:
        return (
            "rule: in each example test, each call from test code into project code ran this "
            "query once: the repeats are the test's own calls (its requests, loops or setup)"
        )
    return None


def _freeze(suite: Suite) -> dict[str, str]:
    command = [str(suite.python_bin), "-m", "pip", "list", "--format", "json"]
    listed = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    wanted = {"django", "pytest", "pytest-django", "djangorestframework", "python"}
    versions = {item["name"].lower(): item["version"] for item in listed}
    return {name: version for name, version in sorted(versions.items()) if name in wanted}


def parse_site(key: str, item: dict[str, Any]) -> dict[str, Any]:
    """One runtime N+1 pattern from errguard's summary text, as a site of runtime/<project>.json."""
    summary = str(item["summary"])
    site: dict[str, Any] = {"key": key}
    lazy = _LAZY.match(summary)
    query = None if lazy else _QUERY.match(summary)
    match = lazy or query
    if match is None:
        raise SystemExit(f"cannot read errguard's N+1 summary: {summary!r}")
    site["kind"] = "lazy load" if lazy else "repeated query"
    site["path"] = match["path"]
    site["line"] = int(match["line"]) if match["line"] else None
    site["function"] = match["function"]
    if lazy:
        site["relation"] = lazy["what"]
        if lazy["verb"] != "loaded lazily":
            site["relation"] += " (filtered after prefetch)"
    else:
        site["query"] = query["query"] if query else None
    origin = _ORIGIN.search(str(item["fix"]))
    site["origin"] = f"{origin['path']}:{origin['line']}" if origin else None
    site["count"] = int(item["count"])
    tests = sorted(item["tests"])
    site["tests"] = len(tests)
    site["example_tests"] = tests[:3]
    return site


def _site_order(site: dict[str, Any]) -> tuple[str, int, str]:
    return (site["path"] or "", site["line"] or 0, site["key"])


def load_runtime(project: str) -> dict[str, Any]:
    path = RUNTIME / f"{project}.json"
    return json.loads(path.read_text()) if path.exists() else {"project": project, "sites": []}


def save_runtime(data: dict[str, Any]) -> None:
    RUNTIME.mkdir(exist_ok=True)
    data["sites"].sort(key=_site_order)
    path = RUNTIME / f"{data['project']}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _outcome_counts(outcomes: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for outcome in outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    return dict(sorted(counts.items()))


def run(suite: Suite, timeout: int) -> None:
    runs = SUITES_CACHE / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    dump, log = runs / f"{suite.project}.json", runs / f"{suite.project}.log"
    dump.unlink(missing_ok=True)
    wall = _pytest(suite, suite.source, dump, log, timeout)
    raw = json.loads(dump.read_text())
    merge(suite, raw, wall)


def merge(suite: Suite, raw: dict[str, Any], wall: float | None) -> None:
    data = load_runtime(suite.project)
    version = {p.name: p.version for p in load_manifest()}[suite.project]
    data["version"] = version
    data["suite"] = {
        "sdist": suite.sdist,
        "database": suite.database,
        "subset": suite.subset,
        "command": "pytest --nplusone=warn " + " ".join(suite.pytest_args),
        "versions": _freeze(suite),
        "tests": len(raw["outcomes"]),
        "outcomes": _outcome_counts(raw["outcomes"]),
        "queries": raw.get("total"),
        "wall_seconds": round(wall)
        if wall is not None
        else data.get("suite", {}).get("wall_seconds"),
    }
    old = {site["key"]: site for site in data["sites"]}
    sites = []
    for key, item in raw.get("findings", {}).items():
        site = parse_site(key, item)
        for name in REVIEW_FIELDS:
            if name in old.get(key, {}):
                site[name] = old[key][name]
        site.setdefault("real", None)
        sites.append(site)
    seen = {site["key"] for site in sites}
    for key, site in old.items():
        if key not in seen:
            sites.append({**site, "not_in_last_run": True})
    data["sites"] = sites
    save_runtime(data)
    unreviewed = sum(site["real"] is None for site in sites)
    print(f"{suite.project}: {len(seen)} runtime N+1 sites ({unreviewed} not reviewed yet)")


def static_findings(project: str, cache: Path) -> list[dict[str, Any]]:
    root = cache / project
    if not root.is_dir():
        raise SystemExit(f"{root} is missing: run bench/realworld/fetch.py first")
    command = [
        sys.executable, "-m", "errguard", "check", "--format", "json", "--no-cache",
        "--select", N_PLUS_ONE_CODES, ".",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{project}: errguard exited {done.returncode}: {done.stderr}")
    return list(json.loads(done.stdout))


def flagging(site: dict[str, Any], findings: list[dict[str, Any]]) -> list[str]:
    """The findings that flag the site's N+1.

    A finding on the site's line; or one whose loop is the line that fetched the site's rows
    (same file) and that names the same relation (``.urls``, ``"urls"`` or ``__urls"`` for
    ``Page.urls``); or an EG103 finding that names the site's template and the relation (a
    template loop is reported at the view's render call); for a repeated query on a template
    line (no relation named), an EG103 finding that names the site's template and a read
    (``email.attachments``) written on that line;
    or one the review names in ``static``.
    """
    named = set(site.get("static") or [])
    origin_path, _, origin_line = (site.get("origin") or "::").partition(":")
    attribute = (site.get("relation") or "").split(" ")[0].rpartition(".")[2]
    hits = []
    for finding in findings:
        where = f"{finding['path']}:{finding['line']}"
        loop = _LOOP_LINE.search(finding["message"])
        same_line = finding["path"] == site["path"] and finding["line"] == site["line"]
        same_loop = (
            bool(attribute)
            and loop is not None
            and finding["path"] == origin_path
            and loop["line"] == origin_line
            and any(
                form in finding["message"]
                for form in (f".{attribute}", f'"{attribute}"', f'__{attribute}"')
            )
        )
        in_template = (
            finding["code"] == "EG103"
            and bool(attribute)
            and f"in {site['path']}:" in finding["message"]
            and f".{attribute}" in finding["message"]
        )
        reads = _ROW_READS.search(finding["message"])
        template_query = (
            finding["code"] == "EG103"
            and not attribute
            and reads is not None
            and f"{site['path']}:" in finding["message"]
            and any(read in (site.get("function") or "") for read in _READ.findall(reads["reads"]))
        )
        if same_line or same_loop or in_template or template_query or where in named:
            hits.append(f"{where} {finding['code']}")
    return hits


def score(projects: list[str], cache: Path, *, check: bool = False, update: bool = False) -> None:
    """Print each project's recall; ``update`` records which real sites ``check`` flags
    (``"flagged": true``), ``check`` exits 1 when one of those is no longer flagged."""
    total_real = total_flagged = 0
    lost: list[str] = []
    for project in projects:
        data = load_runtime(project)
        findings = static_findings(project, cache)
        current = [site for site in data["sites"] if not site.get("not_in_last_run")]
        # A repeated-query site on the line of a lazy-load site is often the same N+1 seen twice
        # (rows the lazy-load tagging did not reach): the review links it with `duplicate_of`.
        real = [site for site in current if site["real"] is True and not site.get("duplicate_of")]
        unreviewed = sum(site["real"] is None for site in current)
        flagged = [site for site in real if flagging(site, findings)]
        total_real += len(real)
        total_flagged += len(flagged)
        recall = f"{len(flagged) / len(real):.2f}" if real else "-"
        suite = data.get("suite", {})
        # The plugin's own precision: of the sites the last run reported, how many are real
        # (a duplicate of a real site counts as real: it is the same N+1 seen twice).
        reviewed = [site for site in current if site["real"] is not None]
        true_sites = sum(site["real"] is True for site in reviewed)
        precision = f"{true_sites / len(reviewed):.2f}" if reviewed else "-"
        print(
            f"{project} {data.get('version')}: {suite.get('tests')} tests, "
            f"{len(current)} runtime sites, {true_sites} real, {unreviewed} unreviewed "
            f"(runtime precision {precision}); "
            f"check flags {len(flagged)} of {len(real)} (recall {recall})"
        )
        for site in real:
            hits = flagging(site, findings)
            where = f"{site['path']}:{site['line']} {site.get('relation') or 'repeated query'}"
            if hits:
                print(f"  flagged  {where}: {', '.join(hits)}")
            else:
                print(f"  MISSED   {where}: {site.get('miss') or '(no cause recorded)'}")
                if site.get("flagged"):
                    lost.append(f"{project}: {where}")
            if update:
                site["flagged"] = bool(hits)
        if update:
            save_runtime(data)
    if total_real:
        print(
            f"all: check flags {total_flagged} of {total_real} ({total_flagged / total_real:.2f})"
        )
    for where in lost:
        print(f"{where}: a runtime N+1 check flagged is no longer flagged", file=sys.stderr)
    if check and lost:
        sys.exit(1)


def fixrun(suite: Suite, unsafe: bool, timeout: int) -> None:
    variant = "unsafe" if unsafe else "safe"
    copy = SUITES_CACHE / "fixed" / f"{suite.project}-{variant}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(suite.source, copy, symlinks=True)
    command = [sys.executable, "-m", "errguard", "fix", "--no-cache", "--exit-zero", "--quiet"]
    command += ["--unsafe-fixes"] * unsafe
    subprocess.run([*command, *suite.packages], cwd=copy, check=True, stdout=subprocess.DEVNULL)
    changed = subprocess.run(
        ["diff", "-ru", str(suite.source), str(copy), "-x", "__pycache__", "-x", "*.pyc"],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    runs = SUITES_CACHE / "runs"
    (runs / f"{suite.project}-{variant}.diff").write_text(changed)
    dump, log = runs / f"{suite.project}-{variant}.json", runs / f"{suite.project}-{variant}.log"
    dump.unlink(missing_ok=True)
    other = "safe" if unsafe else "unsafe"
    other_diff = runs / f"{suite.project}-{other}.diff"
    other_dump = runs / f"{suite.project}-{other}.json"
    if not changed:
        data = load_runtime(suite.project)
        data.setdefault("fix", {})[variant] = {"files_changed": [], "note": "no fix to apply"}
        save_runtime(data)
        print(f"{suite.project}: errguard fix changes nothing; the suite is not run again")
        return
    if other_diff.exists() and other_dump.exists() and _same_fixes(changed, other_diff.read_text()):
        shutil.copyfile(other_dump, dump)
        print(f"{suite.project}: the {variant} fixes are the {other} ones; reusing that run")
        compare(suite, variant, None, same_as=other)
        return
    wall = _pytest(suite, copy, dump, log, timeout)
    imported = json.loads(dump.read_text()).get("imported_from", {})
    stray = {name: path for name, path in imported.items() if not str(path).startswith(str(copy))}
    if stray:
        raise SystemExit(f"{suite.project}: the fixed run imported {stray}, not the copy's code")
    compare(suite, variant, wall)


def _same_fixes(diff: str, other: str) -> bool:
    """Two diffs of the sdist against fixed copies make the same changes (paths aside)."""

    def changes(text: str) -> list[str]:
        return [
            line
            for line in text.splitlines()
            if line[:1] in "+-@ " and not line.startswith(("+++", "---"))
        ]

    return changes(diff) == changes(other)


def _files_changed(diff: str) -> list[str]:
    # "+++ <path>\t<timestamp>" lines of `diff -ru`
    return sorted(
        {line[4:].split("\t")[0] for line in diff.splitlines() if line.startswith("+++ ")}
    )


def compare(
    suite: Suite, variant: str, wall: float | None = None, same_as: str | None = None
) -> None:
    runs = SUITES_CACHE / "runs"
    base = json.loads((runs / f"{suite.project}.json").read_text())
    fixed = json.loads((runs / f"{suite.project}-{variant}.json").read_text())
    diff = (runs / f"{suite.project}-{variant}.diff").read_text()
    hunks = sum(line.startswith("@@") for line in diff.splitlines())
    copy = str(SUITES_CACHE / "fixed" / f"{suite.project}-{variant}") + "/"
    files = [name.replace(copy, "") for name in _files_changed(diff)]
    changed = {
        nodeid: f"{base['outcomes'].get(nodeid)} -> {fixed['outcomes'].get(nodeid)}"
        for nodeid in sorted(base["outcomes"].keys() | fixed["outcomes"].keys())
        if base["outcomes"].get(nodeid) != fixed["outcomes"].get(nodeid)
    }
    counts = {
        nodeid: (base["per_test"][nodeid], fixed["per_test"].get(nodeid))
        for nodeid in base["per_test"]
        if fixed["per_test"].get(nodeid) not in (None, base["per_test"][nodeid])
    }
    before = sum(count for count, _ in counts.values())
    after = sum(count or 0 for _, count in counts.values())
    result = {
        "files_changed": files,
        "hunks": hunks,
        "outcomes_changed": changed,
        "tests_with_other_query_count": len(counts),
        "their_queries_before": before,
        "their_queries_after": after,
        "largest_changes": [
            {"test": nodeid, "before": b, "after": a}
            for nodeid, (b, a) in sorted(
                counts.items(), key=lambda kv: -abs(kv[1][0] - (kv[1][1] or 0))
            )[:10]
        ],
        "runtime_sites_before": len(base.get("findings", {})),
        "runtime_sites_after": len(fixed.get("findings", {})),
        "wall_seconds": round(wall) if wall is not None else None,
    }
    if same_as:
        result["note"] = f"the same changes as the {same_as} fixes: that run's results"
    data = load_runtime(suite.project)
    if wall is None and not same_as:  # a re-comparison keeps the run's wall time
        result["wall_seconds"] = data.get("fix", {}).get(variant, {}).get("wall_seconds")
    data.setdefault("fix", {})[variant] = result
    save_runtime(data)
    print(json.dumps(result, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="the corpus (fetch.py)")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("setup", "run", "stacks", "triage", "fixrun", "merge", "compare"):
        sub = commands.add_parser(name)
        sub.add_argument("projects", nargs="+")
        sub.add_argument("--timeout", type=int, default=3600, help="seconds per suite run")
        sub.add_argument("--unsafe", action="store_true", help="fixrun/compare: --unsafe-fixes")
    sub = commands.add_parser("score")
    sub.add_argument("projects", nargs="*")
    sub.add_argument("--check", action="store_true", help="exit 1 when a flagged site is lost")
    sub.add_argument("--update", action="store_true", help="record which real sites are flagged")
    args = parser.parse_args()
    suites = load_suites()
    if args.command == "score":
        score(args.projects or list(suites), args.cache, check=args.check, update=args.update)
        return
    for project in args.projects:
        if project not in suites:
            raise SystemExit(f"{project} is not in suites.toml")
        suite = suites[project]
        if args.command == "setup":
            setup(suite)
        elif args.command == "run":
            run(suite, args.timeout)
        elif args.command == "stacks":
            stacks(suite, args.timeout)
        elif args.command == "triage":
            triage(suite)
        elif args.command == "merge":  # re-read the last run's results (after a manual run)
            merge(suite, json.loads((SUITES_CACHE / "runs" / f"{project}.json").read_text()), None)
        elif args.command == "fixrun":
            fixrun(suite, args.unsafe, args.timeout)
        else:
            compare(suite, "unsafe" if args.unsafe else "safe")


if __name__ == "__main__":
    main()
