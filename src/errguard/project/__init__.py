"""Project-wide knowledge read from source: the Django model index and the import graph.

A :class:`Project` is built once per project root per process and memoised; the CLI builds it
before forking workers, so they inherit it, and the on-disk cache serves the flake8 plugin.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from errguard.astutil import parse_or_none
from errguard.config import DEFAULT_MAX_FILE_SIZE_MB, Config
from errguard.fileio import is_encodable, read_regular
from errguard.project.cache import Codec, FileCache, code_fingerprint, digest
from errguard.project.models.classes import RawClass, extract_classes
from errguard.project.models.index import ModelIndex
from errguard.project.modules import find_project_root, forget_roots, import_root, module_name
from errguard.project.parallel import map_in_processes
from errguard.project.reads import record

if TYPE_CHECKING:
    from errguard.project.calls import CallIndex
    from errguard.project.functions import FunctionIndex
    from errguard.project.imports.cycles import CycleAnalysis
    from errguard.project.imports.graph import ImportGraph

_AUTH_USER_MODEL = re.compile(rb"""AUTH_USER_MODEL\s*=\s*["']([\w.]+)["']""")
# A file can only define models, managers or querysets if it mentions one of these.
_CLASS_HINTS = (b"Model", b"Field", b"Manager", b"QuerySet")
# Top-level class statements, read without parsing: (name, bases).
_CLASS = re.compile(rb"^class\s+(\w+)\s*\(([^)]*)\)", re.MULTILINE)
# Names ending in Model/Manager/QuerySet (not ModelForm, ModelAdmin), and Django's abstract
# user classes; project mixins that derive from models.Model are found through the fixpoint.
_SEED_BASES = re.compile(rb"(?:Model|Manager|QuerySet)\b|PermissionsMixin|Abstract\w*User")
_MODEL_FIELD_CALL = re.compile(
    rb"models\.\w*(?:Field|ForeignKey)\(|\b(?:ForeignKey|OneToOneField|ManyToManyField)\("
)
_WORD = re.compile(rb"\w+")
# Files as fixes would leave them, by real path, while ``unsaved_files`` is active (fix --diff).
_unsaved: dict[str, bytes] = {}


def _calls_model_field(data: bytes) -> bool:
    # The regular expression has no literal prefix to scan for; every match contains one of these.
    return (b"Field(" in data or b"ForeignKey(" in data) and bool(_MODEL_FIELD_CALL.search(data))


def may_define_models(data: bytes) -> bool:
    return b"class " in data and any(hint in data for hint in _CLASS_HINTS)


def _files_to_parse(files: dict[Path, bytes]) -> list[Path]:
    """Files that may define a model, manager or queryset, found without parsing anything.

    Classes whose bases name a ...Model, ...Manager or ...QuerySet are seeds; a class whose
    bases name a seed is one too, to a fixed point, so ``class Book(Publishable)`` counts when
    ``Publishable(models.Model)`` is elsewhere. Files calling model fields count as well
    (models on bases errguard cannot read, like ``MP_Node``).
    """
    classes = {path: _CLASS.findall(data) for path, data in files.items()}
    names = {
        name for found in classes.values() for name, bases in found if _SEED_BASES.search(bases)
    }
    changed = True
    while changed:
        changed = False
        for found in classes.values():
            for name, bases in found:
                if name not in names and any(w in names for w in _WORD.findall(bases)):
                    names.add(name)
                    changed = True
    return [
        path
        for path, found in classes.items()
        if any(name in names for name, _ in found) or _calls_model_field(files[path])
    ]


@dataclass(frozen=True)
class FileSelection:
    """What of the user's configuration decides which files the index reads: ``exclude``
    (relative to the configuration's directory) and ``max-file-size``."""

    config_root: Path
    exclude: tuple[str, ...] = ()
    max_file_size_mb: float = DEFAULT_MAX_FILE_SIZE_MB

    @classmethod
    def of(cls, config: Config) -> FileSelection:
        return cls(config.root, config.exclude, config.max_file_size_mb)

    def config(self) -> Config:
        return Config(
            self.config_root, exclude=self.exclude, max_file_size_mb=self.max_file_size_mb
        )


class Project:
    def __init__(
        self,
        root: Path,
        src: Sequence[Path] = (),
        *,
        files: bool = True,
        selection: FileSelection | None = None,
    ) -> None:
        self.root = root
        self.src = tuple(src)
        self.selection = selection or FileSelection(root)
        self._index_files = files
        self._overlays: dict[tuple[str, tuple[RawClass, ...]], ModelIndex] = {}
        # Content digest of each indexed module, to tell an unchanged file from an edited one.
        self._digests: dict[str, str] = {}
        # Processes for parsing on a cold cache; only the CLI sets more (see ``warm``).
        self._jobs = 1

    @classmethod
    def empty(cls) -> Project:
        """A project that knows only the file being checked (in-memory sources, examples)."""
        return cls(Path.cwd(), files=False)

    def module_name(self, path: Path) -> str:
        if not self._index_files:
            return path.stem
        return module_name(path, self.src)

    @functools.cached_property
    def models(self) -> ModelIndex:
        if not self._index_files:
            return ModelIndex(())
        return _build_model_index(self.root, self.src, self._digests, self._sources, self._jobs)

    @functools.cached_property
    def imports(self) -> ImportGraph:
        from errguard.project.imports.graph import ImportGraph, build_graph

        if not self._index_files:
            return ImportGraph({}, {}, None)
        return build_graph(self.root, self.src, self._sources)

    @functools.cached_property
    def _sources(self) -> dict[Path, bytes]:
        """Every Python file of the project, found and read once for the index and the graph.

        What the user excludes is not read (a vendored tree, a FIFO), nor a file over the
        user's ``max-file-size`` (generated data), and a file whose name is not UTF-8 is not a
        module: Python's import system could never find it.
        """
        from errguard.discovery import discover

        found = discover([self.root], self.selection.config())
        sources: dict[Path, bytes] = {}
        for path in found.files:
            if not is_encodable(module_name(path, self.src)):
                continue
            unsaved = _unsaved.get(os.path.realpath(path)) if _unsaved else None
            if unsaved is not None:
                sources[path] = unsaved
                continue
            with contextlib.suppress(OSError):
                sources[path] = read_regular(path)
        return sources

    @property
    def sources(self) -> Mapping[Path, bytes]:
        return self._sources

    @functools.cached_property
    def source_digests(self) -> dict[Path, str]:
        return {path: digest(data) for path, data in self._sources.items()}

    @property
    def prefetched_lookups(self) -> frozenset[str]:
        """Every relation lookup the project prefetches somewhere (see ``prefetches``)."""
        record("prefetched")
        return self._prefetched

    @functools.cached_property
    def _prefetched(self) -> frozenset[str]:
        from errguard.project.models import prefetches

        if not self._index_files:
            return frozenset()
        cache = FileCache(self.root, "prefetches", _prefetch_fingerprint(), _LOOKUPS)

        def of_file(path: Path, data: bytes) -> tuple[str, ...]:
            name, content = path.relative_to(self.root).as_posix(), digest(data)
            found = cache.get(name, content)
            if found is None:
                found = prefetches.file_lookups(path, data)
                cache.put(name, content, found)
            return found

        lookups = prefetches.prefetched_lookups(self._sources, of_file)
        cache.save()
        return lookups

    @functools.cached_property
    def calls(self) -> CallIndex:
        """Where the project calls each function or method, by name (see ``calls``)."""
        from errguard.project.calls import CallIndex

        return CallIndex(self._sources if self._index_files else {})

    @functools.cached_property
    def functions(self) -> FunctionIndex:
        """The project's functions and methods by module, parsed on demand (see ``functions``)."""
        from errguard.project.functions import FunctionIndex

        return FunctionIndex(self._sources if self._index_files else {}, self.src)

    @functools.cached_property
    def atomic_request_databases(self) -> frozenset[str]:
        """The databases the settings turn ``ATOMIC_REQUESTS`` on for (see ``settings``)."""
        from errguard.project.settings import atomic_request_databases

        record("settings")
        return atomic_request_databases(self._sources if self._index_files else {}, self.src)

    @functools.cached_property
    def import_cycles(self) -> CycleAnalysis:
        """The analysis, cached on disk under a digest of every module and of the analyser."""
        from errguard.project.imports.cycles import COMPONENT, FINDINGS, CycleAnalysis, analyse

        graph = self.imports
        modules = "\n".join(f"{name}:{file.digest}" for name, file in sorted(graph.modules.items()))
        key = digest(modules.encode())
        cache = FileCache(self.root, "cycles", _analyser_fingerprint(), FINDINGS)
        findings = cache.get("analysis", key)
        if findings is not None:
            return CycleAnalysis(findings)
        components = FileCache(self.root, "components", _analyser_fingerprint(), COMPONENT)
        analysis = analyse(graph, self._jobs, components)
        cache.put("analysis", key, tuple(analysis.all()))
        cache.save()
        return analysis

    def forget_summaries(self) -> None:
        """Drop what rules learnt of followed functions while checking other files, so that
        everything the next file's findings rest on is read (and recorded) for it."""
        if "functions" in self.__dict__:
            self.functions.summaries.clear()

    def warm(self, *, models: bool, imports: bool, jobs: int) -> None:
        """Build the model index (with the prefetched lookups the N+1 rules read) and/or the
        import cycles now, parsing in ``jobs`` processes what the on-disk cache does not hold."""
        self._jobs = jobs
        try:
            if models:
                _ = self.models
                _ = self._prefetched
            if imports:
                _ = self.import_cycles
        finally:
            self._jobs = 1

    def import_cycles_with(self, module: str, tree: ast.Module, data: bytes) -> CycleAnalysis:
        """The import cycles, with ``module`` as ``data`` has it (it may be unsaved)."""
        from errguard.project.imports.cycles import analyse_with

        record("cycles", module)
        return analyse_with(self.imports, self.import_cycles, module, tree, data)

    def models_with(
        self, module: str, tree: ast.Module, data: bytes, *, is_package: bool
    ) -> ModelIndex:
        """The index, with ``module``'s classes as ``data`` has them (it may be unsaved)."""
        base = self.models
        indexed_digest = self._digests.get(module)
        if indexed_digest is None and not may_define_models(data):
            return base
        if indexed_digest == digest(data):
            return base
        classes = tuple(extract_classes(tree, module, is_package=is_package))
        indexed = tuple(raw for raw in base.classes.values() if raw.module == module)
        if classes == indexed:
            return base
        key = (module, classes)
        overlay = self._overlays.get(key)
        if overlay is None:
            others = [raw for raw in base.classes.values() if raw.module != module]
            overlay = ModelIndex([*others, *classes], base.auth_user_model)
            self._overlays = {key: overlay}
        return overlay


@functools.cache
def _analyser_fingerprint() -> str:
    from errguard.project.imports import cycles as import_cycles
    from errguard.project.imports import django_setup
    from errguard.project.imports import facts as imports
    from errguard.project.imports import graph as import_graph
    from errguard.project.imports import sim as import_sim
    from errguard.project.imports import usage as import_usage

    code = code_fingerprint(
        django_setup, import_cycles, import_graph, import_sim, import_usage, imports
    )
    # What the analysis sees depends on which modules this Python can parse (newer syntax).
    return f"{code}:python{sys.version_info[0]}.{sys.version_info[1]}"


@functools.cache
def _prefetch_fingerprint() -> str:
    from errguard.project.models import prefetches

    return code_fingerprint(prefetches)


_LOOKUPS = Codec(
    decode=lambda facts, _key, _name: tuple(facts["lookups"]),
    encode=lambda lookups: {"lookups": list(lookups)},
    shape=tuple[str, ...],
)


@functools.cache
def _extractor_fingerprint() -> str:
    from errguard.project.models import accesses
    from errguard.project.models import classes as models

    return code_fingerprint(accesses, models)


def _build_model_index(
    root: Path,
    src: Sequence[Path],
    digests: dict[str, str],
    sources: Mapping[Path, bytes],
    jobs: int,
) -> ModelIndex:
    cache = FileCache(root, "models", _extractor_fingerprint(), _MODEL_CLASSES)
    auth_user_model = "auth.User"
    contents: dict[Path, bytes] = {}
    modules: dict[Path, str] = {}
    for path, data in sources.items():
        if b"AUTH_USER_MODEL" in data and (found := _AUTH_USER_MODEL.search(data)):
            auth_user_model = found.group(1).decode()
        if may_define_models(data):
            contents[path] = data
            modules[path] = module_name(path, src)
            # Recorded for every candidate, parsed or not: an unchanged file needs no re-read.
            digests[modules[path]] = digest(data)
    entries: dict[Path, tuple[RawClass, ...] | None] = {}
    for path in _files_to_parse(contents):
        module = modules[path]
        entries[path] = cache.get(path.relative_to(root).as_posix(), digests[module], module)
    missing = [path for path, entry in entries.items() if entry is None]
    work = [(contents[path], modules[path], path.name == "__init__.py") for path in missing]
    for path, entry in zip(missing, map_in_processes(_extract_models, work, jobs), strict=True):
        if entry is not None:
            module = modules[path]
            cache.put(path.relative_to(root).as_posix(), digests[module], entry, module)
        entries[path] = entry
    cache.save()
    classes = [raw for entry in entries.values() if entry is not None for raw in entry]
    return ModelIndex(classes, auth_user_model)


def _extract_models(job: tuple[bytes, str, bool]) -> tuple[RawClass, ...] | None:
    """One file's classes; None when it cannot be parsed."""
    data, module, is_package = job
    tree = parse_or_none(data)
    if tree is None:
        return None
    return tuple(extract_classes(tree, module, is_package=is_package))


def _decode_classes(facts: dict[str, Any], module: str, _name: str) -> tuple[RawClass, ...]:
    classes = tuple(RawClass.from_json(raw) for raw in facts["classes"])
    if any(raw.module != module for raw in classes):
        raise ValueError("classes of another module")
    return classes


_MODEL_CLASSES = Codec(
    decode=_decode_classes,
    encode=lambda classes: {"classes": [raw.to_json() for raw in classes]},
    shape=tuple[RawClass, ...],
)


def _inside_excluded(path: Path, root: Path) -> bool:
    """The file sits in a virtualenv or vendored tree below ``root`` (site-packages, .venv)."""
    config = Config(root=root)
    relative = path.resolve().relative_to(root)
    directory = root
    for part in relative.parts[:-1]:
        directory = directory / part
        if config.is_excluded(directory) or (directory / "pyvenv.cfg").exists():
            return True
    return False


def forget_projects() -> None:
    """Drop the memoised projects, so the next look reads the files again (after fixes)."""
    _project.cache_clear()
    _root_for_directory.cache_clear()
    forget_roots()


@contextlib.contextmanager
def unsaved_files(contents: Mapping[Path, bytes]) -> Iterator[None]:
    """Projects built in the block see the files in ``contents`` as holding those bytes.

    ``fix --diff`` writes nothing, yet must count what a check of the fixed files would find:
    a fix in one file can settle findings in others (an import cycle, a model change).
    """
    wanted = {os.path.realpath(path): data for path, data in contents.items()}
    if wanted == _unsaved:  # a forked worker inherits its parent's, and its projects
        yield
        return
    before = dict(_unsaved)
    _replace_unsaved(wanted)
    try:
        yield
    finally:
        _replace_unsaved(before)


def _replace_unsaved(contents: dict[str, bytes]) -> None:
    _unsaved.clear()
    _unsaved.update(contents)
    FileCache.read_only = bool(contents)
    forget_projects()


@functools.lru_cache(maxsize=32)
def _project(root: Path, src: tuple[Path, ...], selection: FileSelection | None) -> Project:
    return Project(root, src, selection=selection)


@functools.lru_cache(maxsize=1024)
def _root_for_directory(directory: Path, src: tuple[Path, ...]) -> Path:
    """The top of the file's package tree (where its imports resolve), or the nearest marked
    project root when they coincide or ``src`` roots are configured.

    Package trees side by side under one marked root (``service_a/app/``, ``service_b/app/``
    in a monorepo, or a directory of separate examples) are separate namespaces: Python could
    not import both ``app`` packages at once, so each gets its own model index and import graph.
    """
    tree = import_root(directory / "_", src)
    root = find_project_root(directory)
    if root is None or _inside_excluded(directory / "_", root):
        return tree
    if not src and tree != root and tree.is_relative_to(root):
        return tree
    return root


def project_for(path: Path, config: Config | None = None) -> Project:
    """The project a file belongs to (memoised per root, so the index is built once)."""
    src = tuple(config.src) if config is not None else ()
    selection = FileSelection.of(config) if config is not None else None
    directory = Path(os.path.abspath(path)).parent
    return _project(_root_for_directory(directory, src), src, selection)


def warm_projects(
    paths: Sequence[Path],
    config: Config,
    *,
    models: bool = True,
    imports: bool = False,
    jobs: int = 1,
) -> None:
    """Build the model index and/or import cycles of every project among ``paths`` now
    (before forking workers)."""
    for project in {project_for(path, config) for path in paths}:
        project.warm(models=models, imports=imports, jobs=jobs)
