"""Running the engine over many files, in worker processes when there are enough of them."""

from __future__ import annotations

import functools
import gc
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from errguard.baseline.fingerprint import Baselined
from errguard.config import Config
from errguard.detect.deadline import FileTimeout, time_limit
from errguard.detect.engine import Engine, FileResult, parse_error, timed_out
from errguard.detect.source import SourceError, SourceFile, display_path
from errguard.project import project_for, unsaved_files, warm_projects
from errguard.project.cache import cache_disabled, digest
from errguard.project.dependencies import Digests, ProjectState
from errguard.project.parallel import PARALLEL_THRESHOLD, process_pool
from errguard.project.reads import recording
from errguard.project.results import ResultCache, encode_result

if TYPE_CHECKING:
    from errguard.fixer import FixResult
    from errguard.models import Violation
    from errguard.progress import Progress
    from errguard.project import Project
    from errguard.queries.runtime_report import LoadToFix

CHUNK_SIZE = 32

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Job:
    """What every worker needs; pickled once per worker, not once per file."""

    config: Config
    cwd: Path
    with_edits: bool = False
    unsafe_fixes: bool = False
    # Contents to check instead of what is on disk: fixes that ``fix --diff`` does not write.
    unsaved: Mapping[Path, bytes] = field(default_factory=dict)
    # What ``fix`` leaves alone because a baseline records it, by absolute path.
    baselined: Mapping[str, Baselined] = field(default_factory=dict)
    # ``fix --from-report``: apply only the EG101 fixes these runtime findings confirm.
    runtime: tuple[LoadToFix, ...] | None = None


_last_engine: list[tuple[Job, Engine]] = []


def _engine(job: Job) -> Engine:
    """The engine for ``job``, built once per job (and per chunk in a worker)."""
    if _last_engine and _last_engine[0][0] is job:
        return _last_engine[0][1]
    engine = Engine.from_config(job.config)
    _last_engine[:] = [(job, engine)]
    return engine


def _read(path: Path, job: Job) -> SourceFile | FileResult:
    display = display_path(path, job.cwd)
    unsaved = job.unsaved.get(path)
    if unsaved is not None:
        return SourceFile(path, display, unsaved)
    try:
        return SourceFile.read(path, display)
    except SourceError as exc:
        return FileResult(display, [parse_error(display, exc)])


def check_file(path: Path, job: Job) -> FileResult:
    source = _read(path, job)
    if isinstance(source, FileResult):
        return source

    def check(engine: Engine, project: Project) -> FileResult:
        result = engine.check(source, ignored=job.config.ignored_for(path), project=project)
        if job.with_edits and any(v.fix is not None for v in result.violations):
            from errguard.fixer import attach_fixes  # libcst: only for files with fixes to show

            result.violations = attach_fixes(source, result.violations)
        return result

    return _within_time_limit(path, source, job, check)


def fix_file(path: Path, job: Job) -> FixResult | FileResult:
    from errguard.fixer import FixEngine, wanted

    if job.config.fix_symlinks == "skip" and os.path.islink(path):
        checked = check_file(path, job)
        if any(wanted(v, job.unsafe_fixes) for v in checked.violations):
            checked.notes.append(
                f'{checked.path}: not fixed, a symbolic link (fix-symlinks = "skip")'
            )
        return checked
    source = _read(path, job)
    if isinstance(source, FileResult):
        return source

    def fix(engine: Engine, project: Project) -> FixResult:
        baselined = job.baselined.get(os.path.abspath(path))
        fixer = FixEngine(
            engine, unsafe=job.unsafe_fixes, baselined=baselined, accept=_runtime_filter(path, job)
        )
        return fixer.fix(source, job.config.ignored_for(path), project)

    return _within_time_limit(path, source, job, fix)


def _runtime_filter(path: Path, job: Job) -> Callable[[Violation], bool] | None:
    """With ``fix --from-report``: accept a finding only if a runtime finding confirms it."""
    if job.runtime is None:
        return None
    from errguard.queries.runtime_report import confirms

    loads, file = job.runtime, path.resolve()
    return lambda violation: any(confirms(load, file, violation) for load in loads)


def _within_time_limit(
    path: Path, source: SourceFile, job: Job, analyse: Callable[[Engine, Project], T]
) -> T | FileResult:
    """``analyse`` the file within ``max-file-seconds``, once the project-wide facts its rules
    read are built; when its time is up, a result that names it as not checked."""
    project = project_for(path, job.config)
    engine = _engine(job)
    engine.prepare(source, project)
    try:
        with time_limit(job.config.max_file_seconds):
            return analyse(engine, project)
    except FileTimeout:
        return FileResult(source.display, errors=[timed_out(source.display, job.config)])


def _run_chunk(task: tuple[Callable[[Path, Job], T], list[Path], Job]) -> list[T]:
    function, paths, job = task
    gc.disable()
    with unsaved_files(job.unsaved):
        return [function(path, job) for path in paths]


def _chunks(paths: Sequence[Path], size: int) -> Iterator[list[Path]]:
    for start in range(0, len(paths), size):
        yield list(paths[start : start + size])


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


@dataclass
class RunStats:
    """What the last :func:`run` did: files analysed, and files answered from the cache."""

    checked: int = 0
    from_cache: int = 0
    checked_paths: list[Path] = field(default_factory=list)

    def start(self, checked: Sequence[Path], from_cache: int = 0) -> None:
        self.checked, self.from_cache, self.checked_paths = len(checked), from_cache, list(checked)


LAST_RUN = RunStats()


def run(
    function: Callable[[Path, Job], T],
    paths: Sequence[Path],
    job: Job,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> list[T]:
    """``function`` over every path, in file order, in parallel when worthwhile; ``progress``
    is told how many files are done as they finish."""
    jobs = default_jobs() if jobs is None else jobs
    # AST trees hold no reference cycles; the cyclic collector only burns time on them.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with unsaved_files(job.unsaved):
            if _uses_result_cache(function, job):
                # check_file and fix_file, whose results may be a FileResult anyway.
                return _run_cached(function, paths, job, jobs, progress or _no_progress)  # type: ignore[return-value]
            LAST_RUN.start(paths)
            return _run(function, paths, job, jobs, progress or _no_progress)
    finally:
        if gc_was_enabled:
            # What the run built (the project's indexes) lives on; keep the collector off it.
            gc.freeze()
            gc.enable()


def _no_progress(_done: int) -> None:
    pass


def _uses_result_cache(function: Callable[[Path, Job], T], job: Job) -> bool:
    """Findings are kept for ``check`` and read by ``fix``; not for contents that are not on
    disk."""
    wanted = function is check_file or function is fix_file
    return wanted and not job.unsaved and not cache_disabled()


def _run_cached(
    function: Callable[[Path, Job], T],
    paths: Sequence[Path],
    job: Job,
    jobs: int,
    progress: Progress,
) -> list[T | FileResult]:
    caches = _ResultCaches(job)
    kept = [caches.kept(path) for path in paths]
    if function is fix_file or job.with_edits:
        # Fixes to make or to show: the fixer reads the file (the cache keeps no edits).
        kept = [None if k is None or _has_fixes(k, function, job) else k for k in kept]
    missing = [path for path, found in zip(paths, kept, strict=True) if found is None]
    LAST_RUN.start(missing, from_cache=len(paths) - len(missing))
    fresh: list[T | FileResult]
    if function is check_file:
        fresh = []
        for path, (result, keep) in zip(
            missing, _run(check_recording, missing, job, jobs, progress), strict=True
        ):
            fresh.append(result)
            if keep is not None:
                caches.put(path, *keep)
        caches.save()
    else:
        fresh = list(_run(function, missing, job, jobs, progress))
    answers = iter(fresh)
    return [found if found is not None else next(answers) for found in kept]


def _has_fixes(result: FileResult, function: Callable[[Path, Job], T], job: Job) -> bool:
    if function is fix_file:
        from errguard.fixer import wanted

        return any(wanted(v, job.unsafe_fixes) for v in result.violations)
    return any(v.fix is not None for v in result.violations)


Kept = tuple[dict[str, object], list[Digests]]


def check_recording(path: Path, job: Job) -> tuple[FileResult, Kept | None]:
    """``check_file``, with what the check read beyond the file, for the result cache."""
    project = project_for(path, job.config)
    project.forget_summaries()
    with recording() as reads:
        result = check_file(path, job)
    encoded = encode_result(result)
    if encoded is None:
        return result, None
    state = _state_of(project)
    return result, (encoded, [state.digests(read) for read in sorted(reads)])


@functools.lru_cache(maxsize=32)
def _state_of(project: Project) -> ProjectState:
    return ProjectState(project)


class _ResultCaches:
    """The result cache of each project among a run's files, and the keys of its files."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.caches: dict[Path, ResultCache] = {}
        self.keys: dict[Path, str] = {}
        # The effective configuration is the run's, narrowed per file by per-file-ignores.
        self.config = repr(job.config)

    def _cache(self, path: Path) -> ResultCache:
        project = project_for(path, self.job.config)
        cache = self.caches.get(project.root)
        if cache is None:
            cache = self.caches[project.root] = ResultCache(project.root, _state_of(project))
        return cache

    def kept(self, path: Path) -> FileResult | None:
        source = _read(path, self.job)
        if isinstance(source, FileResult):
            return None
        project = project_for(path, self.job.config)
        key = json.dumps(
            [
                digest(source.data),
                source.display,
                project.module_name(path),
                str(project.root),
                str(self.job.cwd),
                self.config,
                self.job.config.ignored_for(path),
            ]
        )
        self.keys[path] = key = digest(key.encode())
        return self._cache(path).get(path, key, source.display)

    def put(self, path: Path, result: dict[str, object], reads: list[Digests]) -> None:
        key = self.keys.get(path)
        if key is not None:
            self._cache(path).put(path, key, reads, result)

    def save(self) -> None:
        for cache in self.caches.values():
            cache.save()


def _run(
    function: Callable[[Path, Job], T],
    paths: Sequence[Path],
    job: Job,
    jobs: int,
    progress: Progress,
) -> list[T]:
    results: list[T] = []
    if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
        for path in paths:
            results.append(function(path, job))
            progress(len(results))
        return results
    engine = _engine(job)
    uses_graph = any(rule.uses_import_graph for rule in engine.rules)
    if engine.uses_models or uses_graph:
        # Built once here, inherited by forked workers.
        warm_projects(paths, job.config, models=engine.uses_models, imports=uses_graph, jobs=jobs)
    tasks = [(function, chunk, job) for chunk in _chunks(paths, CHUNK_SIZE)]
    with process_pool(jobs) as pool:
        for chunk in pool.map(_run_chunk, tasks):  # in order, as each chunk is done
            results.extend(chunk)
            progress(len(results))
    return results
