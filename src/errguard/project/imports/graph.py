"""The project's import graph: modules from the file tree, edges from their import statements.

Nodes are the project's modules, named from the ``src`` roots (or by walking up through
packages). An edge ``m -> t`` means that running an import statement of ``m`` can execute
module ``t``: the module it names, each parent package that is not already one of ``m``'s own
(importing ``a.b`` runs ``a/__init__`` first), and ``p.x`` for ``from p import x`` when ``p.x``
is a submodule (Python imports it). ``from p import x`` needs ``p`` itself only when ``x`` is
not a submodule. Edges carry their statement: line, import-time or not, guards.

Every file is scanned cheaply (:mod:`errguard.project.imports.scan`); only files that the scan
puts on a cycle, and the few the crash simulation runs, are parsed. Parsed facts are cached on
disk by file content.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from errguard.astutil import parse_or_none
from errguard.fileio import read_regular
from errguard.project.cache import Codec, FileCache, code_fingerprint, digest
from errguard.project.imports.facts import IMPORT_TIME, ModuleFacts, extract
from errguard.project.imports.scan import ScannedImport, scan_imports
from errguard.project.modules import module_name
from errguard.project.parallel import map_in_processes


@dataclass(frozen=True, slots=True)
class ModuleFile:
    name: str
    path: Path
    relative: str
    digest: str
    is_package: bool


@dataclass(frozen=True, slots=True)
class Edge:
    """``source`` runs ``target`` through import statement ``statement`` (an index in facts)."""

    source: str
    target: str
    statement: int
    line: int


def ancestors(module: str) -> Iterator[str]:
    """``a`` and ``a.b`` for ``a.b.c``."""
    parts = module.split(".")
    for end in range(1, len(parts)):
        yield ".".join(parts[:end])


def edge_targets(
    importer: str, module: str, names: Sequence[str], is_from: bool, known: Collection[str]
) -> list[str]:
    """The project modules one import statement of ``importer`` can execute (see above)."""
    own = {*ancestors(importer), importer}
    targets = [p for p in ancestors(module) if p in known and p not in own]
    submodules = [f"{module}.{name}" for name in names if f"{module}.{name}" in known]
    if module in known and (
        module not in own
        # Its own (running) package: needed for the names it must already define.
        or (is_from and len(submodules) < len(names))
        or (not is_from and module != importer)
    ):
        targets.append(module)
    targets.extend(submodules)
    return targets


@functools.cache
def _fingerprint() -> str:
    """Facts change when the extractor changes (the scan is not cached)."""
    from errguard.project.imports import facts as imports

    return code_fingerprint(imports)


class ImportGraph:
    def __init__(
        self,
        modules: Mapping[str, ModuleFile],
        scanned: Mapping[str, tuple[str, ...]],
        cache: FileCache[ModuleFacts] | None,
        facts: dict[str, ModuleFacts] | None = None,
        contents: Mapping[str, bytes] | None = None,
    ) -> None:
        self.modules = dict(modules)
        # The bytes each module file had when the graph was built (read once per project).
        self._contents: Mapping[str, bytes] = contents if contents is not None else {}
        # Over-approximated successors of every module, from the byte scan.
        self.scanned = dict(scanned)
        self._cache = cache
        self._facts: dict[str, ModuleFacts] = facts if facts is not None else {}
        self._edges: dict[str, tuple[Edge, ...]] = {}
        # Analyses of this graph with one module edited, keyed by (module, content digest).
        self.overlays: dict[tuple[str, str], Any] = {}
        # Modules whose facts or source the analysis under way has read (None: not noted).
        self.reads: set[str] | None = None

    def facts(self, module: str) -> ModuleFacts:
        """The module's parsed facts (read, parsed and cached on first use)."""
        if self.reads is not None:
            self.reads.add(module)
        found = self._facts.get(module)
        if found is None:
            found = self._facts[module] = self._load(self.modules[module])
        return found

    def preload(self, modules: Iterable[str], jobs: int) -> None:
        """Load the facts of ``modules``, parsing what the cache lacks in ``jobs`` processes."""
        pending: list[tuple[ModuleFile, bytes, str]] = []
        for module in sorted(set(modules) - self._facts.keys()):
            file = self.modules[module]
            source = self._source(file)
            if source is None:
                continue  # ``facts`` records it as unreadable
            data, content = source
            cached = self._cached(file, content)
            if cached is not None:
                self._facts[module] = cached
            else:
                pending.append((file, data, content))
        work = [(data, file.name, file.is_package) for file, data, _ in pending]
        extracted = map_in_processes(_extract, work, jobs)
        for (file, _, content), found in zip(pending, extracted, strict=True):
            self._facts[file.name] = self._store(file, content, found)

    def _load(self, file: ModuleFile) -> ModuleFacts:
        source = self._source(file)
        if source is None:
            return ModuleFacts(file.name, file.is_package, dynamic=True)
        data, content = source
        cached = self._cached(file, content)
        if cached is not None:
            return cached
        return self._store(file, content, _extract((data, file.name, file.is_package)))

    def source(self, module: str) -> bytes | None:
        """The module's bytes, or None when it cannot be read."""
        if self.reads is not None:
            self.reads.add(module)
        found = self._source(self.modules[module])
        return found[0] if found else None

    def _source(self, file: ModuleFile) -> tuple[bytes, str] | None:
        """The module's bytes and their digest, or None when it cannot be read."""
        data = self._contents.get(file.name)
        if data is not None:
            return data, file.digest
        try:
            data = read_regular(file.path)
        except OSError:
            return None
        return data, digest(data)

    def _cached(self, file: ModuleFile, content: str) -> ModuleFacts | None:
        return self._cache.get(file.relative, content, file.name) if self._cache else None

    def _store(self, file: ModuleFile, content: str, found: ModuleFacts | None) -> ModuleFacts:
        if found is None:
            # Python cannot import it either; nothing is known about its names.
            return ModuleFacts(file.name, file.is_package, dynamic=True)
        if self._cache is not None:
            self._cache.put(file.relative, content, found, file.name)
        return found

    def edges(self, module: str) -> tuple[Edge, ...]:
        """Import-time edges out of ``module``, in statement order."""
        if self.reads is not None:
            self.reads.add(module)
        found = self._edges.get(module)
        if found is None:
            found = self._edges[module] = tuple(self._precise_edges(module))
        return found

    def _precise_edges(self, module: str) -> Iterator[Edge]:
        for index, statement in enumerate(self.facts(module).statements):
            if statement.kind != IMPORT_TIME:
                continue
            for target in edge_targets(
                module, statement.module, statement.names, statement.is_from, self.modules
            ):
                yield Edge(module, target, index, statement.line)

    def with_module(self, module: str, facts: ModuleFacts) -> ImportGraph:
        """This graph with ``module`` as ``facts`` describe it (an unsaved edit)."""
        facts_with = {**self._facts, module: facts}
        overlay = ImportGraph(self.modules, self.scanned, None, facts_with, self._contents)
        overlay.reads = self.reads
        overlay.scanned[module] = tuple(sorted({edge.target for edge in overlay.edges(module)}))
        return overlay

    def save(self) -> None:
        if self._cache is not None:
            self._cache.save()


def _extract(job: tuple[bytes, str, bool]) -> ModuleFacts | None:
    """A module's facts (they cross processes and go to the cache); None: unparsable."""
    data, module, is_package = job
    tree = parse_or_none(data)
    return extract(tree, module, is_package=is_package) if tree else None


def _decode_facts(facts: dict[str, Any], module: str, name: str) -> ModuleFacts:
    # Whether the module is a package is not stored: its file's name says so.
    return ModuleFacts.from_json(module, PurePosixPath(name).name == "__init__.py", facts["facts"])


_MODULE_FACTS = Codec(
    decode=_decode_facts, encode=lambda facts: {"facts": facts.to_json()}, shape=ModuleFacts
)
ScannedImports = tuple[ScannedImport, ...]
_SCANNED = Codec(
    decode=lambda facts, _module, _name: tuple(
        (target, tuple(names), is_from) for target, names, is_from in facts["imports"]
    ),
    encode=lambda found: {"imports": list(found)},
    shape=ScannedImports,
)


def build_graph(root: Path, src: Sequence[Path], sources: Mapping[Path, bytes]) -> ImportGraph:
    files: dict[str, ModuleFile] = {}
    ambiguous: set[str] = set()
    contents: dict[str, bytes] = {}
    for path, data in sources.items():
        name = module_name(path, src)
        if name in files:
            ambiguous.add(name)  # two files, one name: which one Python finds depends on sys.path
            continue
        relative = path.relative_to(root).as_posix()
        files[name] = ModuleFile(name, path, relative, digest(data), path.name == "__init__.py")
        contents[name] = data
    for name in ambiguous:
        del files[name]
    scans = FileCache(root, "scan", _scan_fingerprint(), _SCANNED)
    scanned = {
        name: _scanned_targets(file, contents[name], files, scans) for name, file in files.items()
    }
    scans.save()
    cache = FileCache(root, "imports", _fingerprint(), _MODULE_FACTS)
    return ImportGraph(files, scanned, cache, contents=contents)


def _scanned_targets(
    file: ModuleFile, data: bytes, known: Collection[str], scans: FileCache[ScannedImports]
) -> tuple[str, ...]:
    scanned = scans.get(file.relative, file.digest, file.name)
    if scanned is None:
        scanned = tuple(scan_imports(data, file.name, is_package=file.is_package))
        scans.put(file.relative, file.digest, scanned, file.name)
    found: set[str] = set()
    for module, names, is_from in scanned:
        found.update(edge_targets(file.name, module, names, is_from, known))
    return tuple(sorted(found))


@functools.cache
def _scan_fingerprint() -> str:
    from errguard.project import modules
    from errguard.project.imports import scan as import_scan

    return code_fingerprint(import_scan, modules)


def strongly_connected(
    nodes: Iterable[str], successors: Mapping[str, Sequence[str]]
) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components and their members in a stable order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(successors.get(start, ())))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors.get(child, ()))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return sorted(components)


def cyclic_components(
    nodes: Iterable[str], successors: Mapping[str, Sequence[str]]
) -> list[list[str]]:
    """Components that hold a cycle: two or more modules, or one that imports itself."""
    return [
        component
        for component in strongly_connected(nodes, successors)
        if len(component) > 1 or component[0] in successors.get(component[0], ())
    ]
