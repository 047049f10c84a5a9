"""Replay, from source facts, what Python does when one module of an import cycle is imported
first in a fresh interpreter, and report the first statement that would raise.

The model follows ``importlib._bootstrap``: a module is put in ``sys.modules`` before its body
runs (so a module that is imported again while it runs is returned half-initialised); importing
``a.b`` imports ``a`` first, and sets ``a.b`` as an attribute of ``a`` only once ``a.b`` has
finished; ``from p import x`` imports ``p.x`` when ``p`` is a package without an attribute
``x`` and falls back to ``sys.modules["p.x"]``; ``import a.b as c`` falls back the same way; a
module whose body raises is removed from ``sys.modules``; a ``try`` that catches the error lets
the importing module go on.

Precision first: only two failures are reported, and only when the source says so for certain:
a name that the half-initialised module defines *later* than the point it has reached, and an
attribute ``p.sub`` read while submodule ``p.sub`` is still running. Unknown names (star
imports, ``__getattr__``, ``globals()``, names never defined in the source) are assumed present.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass, field

from errguard.project.imports.facts import ATTRIBUTE_ERROR, IMPORT_ERROR, Event, ModuleFacts
from errguard.project.imports.graph import ImportGraph, ancestors

# A name's state in a module at some point of its execution.
NOW, LATER, NEVER, UNKNOWN = "now", "later", "never", "unknown"


@dataclass(frozen=True, slots=True)
class Step:
    """``module``'s import statement at ``line`` leads (maybe through packages) to ``target``."""

    module: str
    line: int
    target: str


@dataclass(frozen=True, slots=True)
class Crash:
    entry: str
    steps: tuple[Step, ...]  # from the half-initialised module round to it
    error: str  # ImportError or AttributeError
    reason: str


class _Failure(Exception):
    def __init__(self, error: str, steps: tuple[Step, ...], reason: str) -> None:
        super().__init__(reason)
        self.error = error
        self.steps = steps
        self.reason = reason


@dataclass
class _Running:
    """A module whose body is executing: how far it got, and what its names are bound to."""

    name: str
    facts: ModuleFacts
    position: int = 0
    line: int = 0  # the import statement running now
    # local name -> (module it is bound to, or None for any other value; its import's line)
    bindings: dict[str, tuple[str | None, int]] = field(default_factory=dict)


class Definitions:
    """Where each module defines its names, per event index; shared by every simulation."""

    def __init__(self) -> None:
        self._index: dict[int, tuple[dict[str, list[tuple[int, int]]], int | None]] = {}

    def of(self, facts: ModuleFacts) -> tuple[dict[str, list[tuple[int, int]]], int | None]:
        """``({name: [(event index, line), ...]}, index of the first star import)``."""
        key = id(facts)
        found = self._index.get(key)
        if found is None:
            found = self._index[key] = _definitions(facts)
        return found

    def state(self, facts: ModuleFacts, name: str, position: int | None) -> tuple[str, int]:
        """Whether ``name`` is defined once ``position`` events ran (None: all of them)."""
        if facts.dynamic or name in facts.globals_ or name.startswith("__"):
            return UNKNOWN, 0
        names, star = self.of(facts)
        reached = len(facts.events) if position is None else position
        if star is not None and star < reached:
            return UNKNOWN, 0
        places = names.get(name, ())
        if any(index < reached for index, _ in places):
            return NOW, 0
        return (LATER, places[0][1]) if places else (NEVER, 0)


def _definitions(facts: ModuleFacts) -> tuple[dict[str, list[tuple[int, int]]], int | None]:
    names: dict[str, list[tuple[int, int]]] = {}
    star: int | None = None
    for index, event in enumerate(facts.events):
        if event.kind in ("bind", "define"):
            names.setdefault(event.name, []).append((index, event.line))
        elif event.kind == "import":
            statement = facts.statements[event.statement]
            if not statement.module_scope:
                continue
            if "*" in statement.names and star is None:
                star = index
            for name in statement.bound:
                names.setdefault(name, []).append((index, event.line))
    return names, star


_DONE = None


class Simulation:
    """One fresh interpreter. Modules outside ``precise`` cannot reach the cycle: they are
    taken as imported at once, with everything they may import."""

    def __init__(
        self, graph: ImportGraph, precise: Container[str], definitions: Definitions
    ) -> None:
        self.graph = graph
        self.precise = precise
        self.definitions = definitions
        self.loaded: dict[str, _Running | None] = {}  # sys.modules; None once finished
        self.stack: list[_Running] = []

    def run(self, entry: str) -> Crash | None:
        try:
            self._import(entry)
        except _Failure as failure:
            return Crash(entry, failure.steps, failure.error, failure.reason)
        except RecursionError:  # a chain too deep to follow: say nothing
            return None
        return None

    def _import(self, name: str) -> None:
        if name in self.loaded:  # most imports in a cycle are of modules already there
            return
        for module in (*ancestors(name), name):
            if module in self.loaded or module not in self.graph.modules:
                continue
            if module in self.precise:
                self._execute(module)
            else:
                self._load_at_once(module)

    def _load_at_once(self, module: str) -> None:
        pending = [module]
        while pending:
            current = pending.pop()
            if current not in self.loaded:
                self.loaded[current] = _DONE
                pending.extend(self.graph.scanned.get(current, ()))

    def _execute(self, module: str) -> None:
        run = _Running(module, self.graph.facts(module))
        self.loaded[module] = run
        self.stack.append(run)
        try:
            for position, event in enumerate(run.facts.events):
                run.position = position
                try:
                    self._event(run, event)
                except _Failure as failure:
                    if failure.error not in event.catches:
                        raise
        except _Failure:
            del self.loaded[module]  # Python drops a module whose body raised
            raise
        finally:
            self.stack.pop()
        self.loaded[module] = _DONE

    def _event(self, run: _Running, event: Event) -> None:
        if event.kind == "bind":
            run.bindings[event.name] = (None, 0)
        elif event.kind == "attr":
            self._read(run, event)
        elif event.kind == "import":
            run.line = event.line
            self._run_import(run, event.statement, event.name)

    def _run_import(self, run: _Running, index: int, owner: str) -> None:
        statement = run.facts.statements[index]
        scope = f"{owner}." if owner else ""
        base = statement.module
        self._import(base)
        if not statement.is_from:
            target = base if base.split(".")[0] != statement.bound[0] else base.split(".")[0]
            run.bindings[scope + statement.bound[0]] = (target, run.line)
            return
        names = [name for name in statement.names if name != "*"]
        file = self.graph.modules.get(base)
        if file is not None and file.is_package:
            for name in names:  # importlib's _handle_fromlist
                submodule = f"{base}.{name}"
                if submodule in self.graph.modules and not self._has(base, name):
                    self._import(submodule)
        for name, local in zip(names, statement.bound, strict=True):
            submodule = f"{base}.{name}"
            if submodule not in self.loaded:
                self._require(base, name, IMPORT_ERROR, f"cannot import name '{name}'")
            value = submodule if submodule in self.graph.modules else None
            run.bindings[scope + local] = (value, run.line)

    def _has(self, module: str, name: str) -> bool:
        """``hasattr(module, name)``, for a package whose submodule ``name`` is not loaded."""
        if f"{module}.{name}" in self.loaded:
            return True
        return self._state(module, name)[0] in (NOW, UNKNOWN)

    def _state(self, module: str, name: str) -> tuple[str, int]:
        state = self.loaded.get(module)
        if state is None:
            return self.definitions.state(self.graph.facts(module), name, None)
        return self.definitions.state(state.facts, name, state.position)

    def _require(self, module: str, name: str, error: str, what: str) -> None:
        """Fail when ``module`` is half-initialised and defines ``name`` only further down."""
        if self.loaded.get(module) is None:
            return
        state, line = self._state(module, name)
        if state == LATER:
            reason = f"{what}: defined at line {line}, after the import"
            raise _Failure(error, self._steps(module), reason)

    def _read(self, run: _Running, event: Event) -> None:
        """A module-level ``root.a.b``: follow it through modules while they are modules."""
        chain = (event.name, *event.attrs)
        # The longest bound prefix: ``Holder.models`` for an import in class ``Holder``.
        bound = next(
            (k for k in range(len(chain), 0, -1) if ".".join(chain[:k]) in run.bindings), 0
        )
        if not bound:
            return
        dotted = ".".join(chain[:bound])
        module, line = run.bindings[dotted]
        for attribute in chain[bound:]:
            if module is None or module not in self.loaded:
                return
            submodule = f"{module}.{attribute}"
            where = f"{run.name}:{event.line} reads {dotted}.{attribute}"
            run.line = line
            if submodule in self.graph.modules and submodule in self.loaded:
                state = self.loaded[submodule]
                if state is not None and self._state(module, attribute)[0] in (LATER, NEVER):
                    reason = f"{where} while {submodule} is still being imported"
                    raise _Failure(ATTRIBUTE_ERROR, self._steps(submodule), reason)
                module, dotted = submodule, f"{dotted}.{attribute}"
                continue
            self._require(module, attribute, ATTRIBUTE_ERROR, where)
            return

    def _steps(self, partial: str) -> tuple[Step, ...]:
        """The chain from the half-initialised module up to the module that needs it."""
        names = [frame.name for frame in self.stack]
        start = names.index(partial)
        frames = self.stack[start:]
        targets = [frame.name for frame in frames[1:]] + [partial]
        return tuple(Step(f.name, f.line, t) for f, t in zip(frames, targets, strict=True))


def simulate(
    graph: ImportGraph, entries: list[str], precise: Container[str], definitions: Definitions
) -> Iterator[Crash]:
    for entry in entries:
        crash = Simulation(graph, precise, definitions).run(entry)
        if crash is not None:
            yield crash
