"""Digests of what a file's check read (see ``reads``), to tell whether it is still the same.

Each read has a cheap digest of its *inputs* (the contents of the files that could change
it) and, for the costly project-wide facts, a digest of its *value* (the model index itself,
the import cycles one module is in). An input digest that matches proves the read unchanged
without building anything; when it does not, the value is built and compared, so that an
edit which leaves the facts as they were (a view's body edited in a file that also defines
models) does not re-check every file that read them.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from errguard.fileio import read_regular
from errguard.project.cache import digest
from errguard.project.modules import module_name
from errguard.project.reads import Read

if TYPE_CHECKING:
    from errguard.project import Project

ABSENT = "-"
# What is stored per read: kind, key, input digest, value digest ("" when it has none).
Digests = tuple[str, str, str, str]


def file_digest(path: str) -> str:
    try:
        return digest(read_regular(Path(path)))
    except OSError:
        return ABSENT


def _joined(items: Iterable[str]) -> str:
    # A file name that is not UTF-8 comes with surrogates: encoded as it is, never refused.
    return digest("\n".join(items).encode("utf-8", "surrogatepass"))


class ProjectState:
    """The digests of one project's reads, each computed once per run (per process)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._inputs: dict[Read, str] = {}
        self._values: dict[Read, str] = {}
        self._answers: dict[int, str] = {}
        self._answered: list[object] = []

    def digests(self, read: Read) -> Digests:
        return (*read, self.inputs(read), self.value(read))

    def unchanged(self, stored: Digests) -> bool:
        kind, key, inputs, value = stored
        read = (kind, key)
        if self.inputs(read) == inputs:
            return True
        return bool(value) and self.value(read) == value

    def inputs(self, read: Read) -> str:
        found = self._inputs.get(read)
        if found is None:
            found = self._inputs[read] = _INPUTS[read[0]](self, read[1])
        return found

    def value(self, read: Read) -> str:
        compute = _VALUES.get(read[0])
        if compute is None:
            return ""
        found = self._values.get(read)
        if found is None:
            found = self._values[read] = compute(self, read[1])
        return found

    # -- inputs ------------------------------------------------------------------------------
    @cached_property
    def _files(self) -> list[tuple[str, bytes, str]]:
        """Every source file of the project: path, content and its digest, in path order."""
        digests = self.project.source_digests
        sources = self.project.sources
        return sorted((str(path), sources[path], digests[path]) for path in sources)

    @cached_property
    def _by_module(self) -> dict[str, str]:
        src = self.project.src
        return {
            module_name(path, src): found for path, found in self.project.source_digests.items()
        }

    def _files_where(self, wanted: Callable[[bytes], bool]) -> str:
        return self._files_where_path(lambda _path, data: wanted(data))

    def _files_where_path(self, wanted: Callable[[str, bytes], bool]) -> str:
        return _joined(f"{path}:{found}" for path, data, found in self._files if wanted(path, data))

    def _files_containing(self, *needles: bytes) -> str:
        return self._files_where(lambda data: any(needle in data for needle in needles))

    @cached_property
    def _all_files(self) -> str:
        return self._files_where(lambda _data: True)

    def _all_modules(self, _key: str) -> str:
        return self._all_files

    def _models_inputs(self, _key: str) -> str:
        return self._model_files

    @cached_property
    def _model_files(self) -> str:
        from errguard.project import may_define_models

        return self._files_where(lambda data: may_define_models(data) or b"AUTH_USER_MODEL" in data)

    def _prefetch_inputs(self, _key: str) -> str:
        from errguard.project.models.prefetches import HINTS

        return self._files_containing(*HINTS)

    def _settings_inputs(self, _key: str) -> str:
        # Every file that can turn ATOMIC_REQUESTS on names it (see project.settings).
        return self._files_containing(b"ATOMIC_REQUESTS")

    def _calls_inputs(self, name: str) -> str:
        return self._files_containing(f"{name}(".encode())

    def _importers_inputs(self, module: str) -> str:
        """The modules there are, and the contents of every file that may import ``module``:
        one spelling its last name, or one of its top package importing relatively."""
        last = module.rpartition(".")[2].encode()
        package = f"{module.partition('.')[0]}."
        names = self._module_names
        return _joined(
            [
                self._module_listing,
                self._files_where_path(
                    lambda path, data: (
                        last in data or (names[path].startswith(package) and b"from ." in data)
                    )
                ),
            ]
        )

    @cached_property
    def _module_names(self) -> dict[str, str]:
        src = self.project.src
        return {str(path): module_name(path, src) for path in self.project.sources}

    @cached_property
    def _module_listing(self) -> str:
        return _joined(sorted(self._module_names.values()))

    def _module_inputs(self, name: str) -> str:
        return self._by_module.get(name, ABSENT)

    def _template_listing(self, _key: str) -> str:
        from errguard.rules.queries._templates import template_directories

        config = self.project.selection.config()
        files: list[str] = []
        for directory in template_directories(config):
            for parent, _, names in os.walk(directory):
                files.extend(os.path.join(parent, name) for name in names)
        return _joined(sorted(files))

    def _file_inputs(self, path: str) -> str:
        return file_digest(path)

    def _exists_inputs(self, path: str) -> str:
        return "1" if os.path.isfile(path) else "0"

    # -- values ------------------------------------------------------------------------------
    def _models_value(self, _key: str) -> str:
        index = self.project.models
        classes = (json.dumps(raw.to_json(), sort_keys=True) for raw in index.classes.values())
        return _joined([index.auth_user_model, *sorted(classes)])

    def _model_answer(self, key: str, kind: str) -> str:
        """What the index answers to the lookup a rule made, as JSON."""
        index = self.project.models
        lookups: dict[str, Callable[[], object]] = {
            "model": lambda: index.get(key),
            "model-key": lambda: index.models.get(key),
            "model-inferred": lambda: index.inferred(key),
            "model-named": lambda: index.named_like(key),
            "model-method": lambda: index.method_owner(*key.split(" ", 1)),
            "model-label": lambda: index.by_label(key),
            "model-count": lambda: len(index),
            "model-modules": lambda: index.model_modules,
            "model-user": lambda: index.auth_user_model,
            "model-known-methods": lambda: frozenset(index.known_methods),
            "model-loading-methods": lambda: frozenset(index.loading_methods),
        }
        answer = lookups[kind]()
        # Many lookups answer with the same model: each is written out once.
        found = self._answers.get(id(answer))
        if found is None:
            found = digest(json.dumps(answer, sort_keys=True, default=_plain).encode())
            self._answers[id(answer)] = found
            self._answered.append(answer)  # alive, so that its id is not reused
        return found

    def _prefetch_value(self, _key: str) -> str:
        return _joined(sorted(self.project.prefetched_lookups))

    def _cycles_value(self, module: str) -> str:
        findings = self.project.import_cycles.module_findings(module)
        return digest(json.dumps(findings, sort_keys=True).encode())


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


_MODEL_LOOKUPS = (
    "model",
    "model-key",
    "model-inferred",
    "model-named",
    "model-method",
    "model-label",
    "model-count",
    "model-modules",
    "model-user",
    "model-known-methods",
    "model-loading-methods",
)
_INPUTS: dict[str, Callable[[ProjectState, str], str]] = {
    **dict.fromkeys(_MODEL_LOOKUPS, ProjectState._models_inputs),
    "models": ProjectState._models_inputs,
    "prefetched": ProjectState._prefetch_inputs,
    "settings": ProjectState._settings_inputs,
    "calls": ProjectState._calls_inputs,
    "module": ProjectState._module_inputs,
    "cycles": ProjectState._all_modules,
    "importers": ProjectState._importers_inputs,
    "template-dirs": ProjectState._template_listing,
    "template": ProjectState._file_inputs,
    "file": ProjectState._file_inputs,
    "exists": ProjectState._exists_inputs,
}
_VALUES: dict[str, Callable[[ProjectState, str], str]] = {
    **{kind: functools.partial(ProjectState._model_answer, kind=kind) for kind in _MODEL_LOOKUPS},
    "models": ProjectState._models_value,
    "prefetched": ProjectState._prefetch_value,
    "cycles": ProjectState._cycles_value,
}
KINDS = frozenset(_INPUTS)
