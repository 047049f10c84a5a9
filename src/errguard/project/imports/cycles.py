"""Import cycles of a project: those that crash on import (EG501) and fragile ones (EG502).

1. The byte scan's over-approximate graph gives candidate components; only their modules are
   parsed. Their import-time edges give the real cyclic components (Tarjan).
2. In each component, every module is imported first in a simulated fresh interpreter
   (:mod:`errguard.project.imports.sim`). A failure gives a crash cycle: the chain from the
   half-initialised module round to the statement that needs it. Each cycle is kept once, with
   the first entry (in name order) that crashes on it, and an edge to cut: one whose removal
   stops every crash of the component, preferring imports used only in annotations, then only
   in functions, then the fewest names.
3. Fragile cycles: for each import-time edge of a component, the shortest cycle through it
   (breadth-first, in name order). Enumerating every elementary cycle is exponential in large
   components; one cycle per edge reports every import line that takes part, with a short chain.

Everything is sorted, so any process computing it from the same sources gets the same result.
"""

from __future__ import annotations

import ast
import dataclasses
import json
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from errguard.project.cache import Codec, FileCache, digest
from errguard.project.imports.django_setup import setup_entries, setup_roots
from errguard.project.imports.facts import extract
from errguard.project.imports.graph import ImportGraph, cyclic_components
from errguard.project.imports.sim import Crash, Definitions, Step, simulate
from errguard.project.imports.usage import ANNOTATION, FUNCTION

CRASH, FRAGILE = "EG501", "EG502"
# Checking that a cut stops every crash costs a simulation per module per cut candidate.
_MAX_VERIFIED_COMPONENT = 40


@dataclass(frozen=True, slots=True)
class Cut:
    step: Step
    used: int  # names (or module attributes) the cut import provides
    uses: tuple[str, ...]  # where they are read: annotation / function / import-time


@dataclass(frozen=True, slots=True)
class CycleFinding:
    code: str
    module: str
    line: int
    steps: tuple[Step, ...]
    entry: str = ""
    reason: str = ""
    cut: Cut | None = None

    @property
    def chain(self) -> str:
        hops = [f"{step.module}:{step.line}" for step in self.steps]
        return " → ".join([*hops, self.steps[0].module])

    @property
    def step(self) -> Step:
        return next(step for step in self.steps if step.module == self.module)


class CycleAnalysis:
    def __init__(self, findings: Iterable[CycleFinding] = ()) -> None:
        self._by_module: dict[str, list[CycleFinding]] = {}
        for finding in findings:
            self._by_module.setdefault(finding.module, []).append(finding)

    def to_json(self) -> list[dict[str, Any]]:
        return [dataclasses.asdict(finding) for finding in self.all()]

    @classmethod
    def from_json(cls, items: Iterable[Mapping[str, Any]]) -> CycleAnalysis:
        def step(data: Mapping[str, Any]) -> Step:
            return Step(data["module"], data["line"], data["target"])

        findings = []
        for item in items:
            cut = item["cut"]
            findings.append(
                CycleFinding(
                    item["code"],
                    item["module"],
                    item["line"],
                    tuple(step(s) for s in item["steps"]),
                    item["entry"],
                    item["reason"],
                    Cut(step(cut["step"]), cut["used"], tuple(cut["uses"])) if cut else None,
                )
            )
        return cls(findings)

    def findings(self, module: str, code: str) -> list[CycleFinding]:
        return [f for f in self._by_module.get(module, ()) if f.code == code]

    def module_findings(self, module: str) -> list[dict[str, Any]]:
        """What the rules read of ``module``: its findings of every code, as JSON."""
        return [dataclasses.asdict(finding) for finding in self._by_module.get(module, ())]

    def all(self) -> Iterator[CycleFinding]:
        for module in sorted(self._by_module):
            yield from self._by_module[module]


# The findings of an analysis, as the on-disk cache keeps them.
FINDINGS = Codec(
    decode=lambda facts, _key, _name: tuple(CycleAnalysis.from_json(facts["findings"]).all()),
    encode=lambda findings: {"findings": CycleAnalysis(findings).to_json()},
    shape=tuple[CycleFinding, ...],
)


@dataclass(frozen=True)
class ComponentFindings:
    """One cyclic component's findings, and the modules (with their content digests) whose
    facts the analysis read: still valid while those are unchanged."""

    reads: tuple[tuple[str, str], ...]
    findings: tuple[CycleFinding, ...]


COMPONENT = Codec(
    decode=lambda facts, _key, _name: ComponentFindings(
        tuple((module, content) for module, content in facts["reads"]),
        tuple(CycleAnalysis.from_json(facts["findings"]).all()),
    ),
    encode=lambda kept: {
        "reads": [list(read) for read in kept.reads],
        "findings": CycleAnalysis(kept.findings).to_json(),
    },
    shape=ComponentFindings,
)


def analyse(
    graph: ImportGraph, jobs: int = 1, kept: FileCache[ComponentFindings] | None = None
) -> CycleAnalysis:
    """``kept``: components analysed before, reused while what they read is unchanged."""
    candidates = {m for c in cyclic_components(graph.modules, graph.scanned) for m in c}
    graph.preload(candidates, jobs)
    successors = {
        module: sorted({e.target for e in graph.edges(module) if e.target in candidates})
        for module in sorted(candidates)
    }
    reverse = _reverse(graph.scanned)
    definitions = Definitions()
    roots = setup_roots(graph)
    # What every component's analysis may depend on beyond the facts it reads: which modules
    # exist, what the byte scan says each imports, and where Django's start-up begins.
    layout = [
        [(name, file.is_package) for name, file in sorted(graph.modules.items())],
        sorted(graph.scanned.items()),
        sorted(roots),
    ]
    shared = digest(json.dumps(layout).encode())
    findings: list[CycleFinding] = []
    for component in cyclic_components(candidates, successors):
        name = f"component:{digest(' '.join(sorted(component)).encode())}"
        found = kept.get(name, shared) if kept is not None else None
        if found is None or not _unchanged(graph, found.reads):
            found = _component_findings(graph, component, reverse, definitions, roots)
            if kept is not None:
                kept.put(name, shared, found)
        findings.extend(found.findings)
    graph.save()
    if kept is not None:
        kept.save()
    return CycleAnalysis(sorted(findings, key=lambda f: (f.module, f.line, f.code, f.chain)))


def _unchanged(graph: ImportGraph, reads: Iterable[tuple[str, str]]) -> bool:
    return all(
        module in graph.modules and graph.modules[module].digest == content
        for module, content in reads
    )


def _component_findings(
    graph: ImportGraph,
    component: list[str],
    reverse: Mapping[str, Sequence[str]],
    definitions: Definitions,
    roots: Collection[str],
) -> ComponentFindings:
    graph.reads = set()
    try:
        precise = _reaching(component, reverse)
        crashes = _crash_findings(graph, component, precise, definitions, roots)
        crashed = {(f.module, f.line) for f in crashes}
        fragile = [
            f for f in _fragile_findings(graph, component) if (f.module, f.line) not in crashed
        ]
        reads = tuple(sorted((module, graph.modules[module].digest) for module in graph.reads))
    finally:
        graph.reads = None
    return ComponentFindings(reads, (*crashes, *fragile))


def analyse_with(
    graph: ImportGraph, base: CycleAnalysis, module: str, tree: ast.Module, data: bytes
) -> CycleAnalysis:
    """The analysis with ``module`` read from ``data`` (an unsaved edit, a fix being checked)."""
    file = graph.modules.get(module)
    content = digest(data)
    if file is None or file.digest == content:
        return base
    key = (module, content)
    if key not in graph.overlays:
        facts = extract(tree, module, is_package=file.is_package)
        graph.overlays.clear()  # one edited file at a time: keep the last
        graph.overlays[key] = analyse(graph.with_module(module, facts))
    overlay: CycleAnalysis = graph.overlays[key]
    return overlay


def _reverse(successors: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    reverse: dict[str, list[str]] = {}
    for module, targets in successors.items():
        for target in targets:
            reverse.setdefault(target, []).append(module)
    return reverse


def _reaching(component: Sequence[str], reverse: Mapping[str, Sequence[str]]) -> set[str]:
    """Modules whose import may run one of ``component``: the simulation follows them."""
    found = set(component)
    pending = list(component)
    while pending:
        for module in reverse.get(pending.pop(), ()):
            if module not in found:
                found.add(module)
                pending.append(module)
    return found


def _canonical(steps: Sequence[Step]) -> tuple[Step, ...]:
    """The cycle starting at its smallest module, so that rotations compare equal."""
    start = min(range(len(steps)), key=lambda i: (steps[i].module, steps[i].line))
    return (*steps[start:], *steps[:start])


def _crash_findings(
    graph: ImportGraph,
    component: list[str],
    precise: Collection[str],
    definitions: Definitions,
    roots: Collection[str],
) -> list[CycleFinding]:
    entries = setup_entries(graph, component, precise, roots) or component
    crashes = list(simulate(graph, entries, precise, definitions))
    if entries is not component and len(crashes) < len(entries):
        return []  # the application's start-up imports it, in an order that works
    seen: dict[tuple[Step, ...], Crash] = {}
    crashing = []
    for crash in crashes:
        seen.setdefault(_canonical(crash.steps), crash)
        crashing.append(crash.entry)
    findings: list[CycleFinding] = []
    for crash in seen.values():
        verify = len(component) <= _MAX_VERIFIED_COMPONENT
        cut = _cut(graph, crash, crashing if verify else None, precise)
        findings.extend(
            CycleFinding(CRASH, step.module, step.line, crash.steps, crash.entry, crash.reason, cut)
            for step in crash.steps
        )
    return findings


def _cut(
    graph: ImportGraph, crash: Crash, crashing: list[str] | None, precise: Collection[str]
) -> Cut:
    """``crashing``: the entries to re-check without each candidate (None: too many)."""

    def stops(step: Step) -> bool:
        return crashing is None or _stops_crashes(graph, step, crashing, precise)

    return _best_cut(graph, crash.steps, stops)


def _best_cut(
    graph: ImportGraph, steps: Sequence[Step], stops: Callable[[Step], bool] | None = None
) -> Cut:
    """The edge to cut: one that stops the crashes, used only in annotations, then only in
    functions, then by the fewest names."""
    options = []
    for step in steps:
        statements = [
            graph.facts(step.module).statements[edge.statement]
            for edge in graph.edges(step.module)
            if edge.target == step.target
        ]
        uses = tuple(sorted({use for s in statements for use in s.uses}))
        cut = Cut(step, sum(s.used for s in statements), uses)
        rank = 0 if set(uses) == {ANNOTATION} else 1 if set(uses) <= {ANNOTATION, FUNCTION} else 2
        keeps_crashing = stops is not None and not stops(step)
        options.append(((keeps_crashing, rank, cut.used, step.module, step.line), cut))
    return min(options, key=lambda option: option[0])[1]


def _stops_crashes(
    graph: ImportGraph, step: Step, crashing: list[str], precise: Collection[str]
) -> bool:
    """Whether the modules that crashed when imported first no longer do without ``step``."""
    facts = graph.facts(step.module)
    cut_statements = {e.statement for e in graph.edges(step.module) if e.target == step.target}
    events = tuple(
        event
        for event in facts.events
        if event.kind != "import" or event.statement not in cut_statements
    )
    without = graph.with_module(step.module, dataclasses.replace(facts, events=events))
    return next(simulate(without, crashing, precise, Definitions()), None) is None


def _fragile_findings(graph: ImportGraph, component: list[str]) -> Iterator[CycleFinding]:
    members = set(component)
    lines: dict[str, dict[str, int]] = {}
    for module in component:
        first: dict[str, int] = {}
        for edge in graph.edges(module):
            if edge.target in members:
                first.setdefault(edge.target, edge.line)
        lines[module] = dict(sorted(first.items()))
    for module in component:
        for target, line in lines[module].items():
            path = _shortest_path(target, module, lines)
            if path is None:
                continue
            hops = [module, *path[:-1]]
            steps = tuple(
                Step(hop, lines[hop][following], following)
                for hop, following in zip(hops, [*hops[1:], module], strict=True)
            )
            cycle = _canonical(steps)
            yield CycleFinding(FRAGILE, module, line, cycle, cut=_best_cut(graph, cycle))


def _shortest_path(
    start: str, goal: str, lines: Mapping[str, Mapping[str, int]]
) -> list[str] | None:
    """Modules from ``start`` to ``goal`` (both included), fewest hops, smallest names first."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if current == goal:
            path = []
            node: str | None = current
            while node is not None:
                path.append(node)
                node = previous[node]
            return path[::-1]
        for following in lines[current]:
            if following not in previous:
                previous[following] = current
                queue.append(following)
    return None
