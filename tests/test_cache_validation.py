"""A cache file is never trusted: whatever ``.errguard_cache/`` holds (truncated, of the wrong
shape, edited, from another file), a run gives the findings of a run without it, and rewrites
what it could not use."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from errguard.project import forget_projects
from errguard.project.cache import CACHE_DIRECTORY, _seal
from tests.conftest import CliResult, run_cli
from tests.test_cli import BARE, write

PROJECT = {
    "pyproject.toml": "",
    "shop/__init__.py": "",
    "shop/models.py": (
        "from django.db import models\n\n\n"
        "class Author(models.Model):\n    name = models.CharField(max_length=9)\n\n\n"
        "class Book(models.Model):\n"
        "    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n"
    ),
    "shop/views.py": (
        "from shop.models import Book\n\n\n"
        "def names():\n    return [book.author.name for book in Book.objects.all()]\n"
    ),
    "a.py": "import b\n\nX = b.Y\n",
    "b.py": "import a\n\nY = a.X\n",
    "bare.py": BARE,
}
KINDS = ("models", "imports", "scan", "cycles")


def _break(project: Path, kind: str, text: str) -> Path:
    """Write ``text`` as the cache of ``kind``. Facts are read only when the files' findings
    are not kept, and the import facts only when the cycle analysis is not cached itself, so
    those go."""
    (project / CACHE_DIRECTORY / "results.json").unlink()
    if kind == "imports":
        (project / CACHE_DIRECTORY / "cycles.json").unlink()
    path = project / CACHE_DIRECTORY / f"{kind}.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    return path


def check() -> CliResult:
    forget_projects()  # in-process runs share the memoised project; a new process would not
    return run_cli("check", "--format", "json")


@pytest.fixture
def warm(project: Path) -> tuple[Path, CliResult]:
    write(project, PROJECT)
    baseline = check()
    assert baseline.code == 1, baseline.err
    codes = sorted(finding["code"] for finding in json.loads(baseline.out))
    assert codes == ["EG101", "EG401", "EG501", "EG501"]
    for kind in KINDS:
        assert (project / CACHE_DIRECTORY / f"{kind}.json").exists()
    return project, baseline


def _first(facts: Any, wanted: Callable[[Any], bool]) -> tuple[Any, Any] | None:
    """The container and key/index of the first value in ``facts`` that ``wanted`` accepts."""
    items = facts.items() if isinstance(facts, dict) else enumerate(facts)
    for key, value in items:
        if wanted(value):
            return facts, key
        if isinstance(value, (dict, list)):
            found = _first(value, wanted)
            if found is not None:
                return found
    return None


def _retype_leaf(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return [value]
    return "null"


def _mutate_facts(mutation: str, facts: dict[str, Any]) -> bool:
    """Change ``facts`` (one entry's) in place, in a way valid JSON can be wrong; False when
    they hold nothing to change that way (no imports to scan, say)."""
    if mutation == "leaf-retyped":
        found = _first(facts, lambda v: not isinstance(v, (dict, list)))
        if found is None:
            return False
        container, key = found
        container[key] = _retype_leaf(container[key])
    elif mutation == "list-to-string":
        found = _first(facts, lambda v: isinstance(v, list) and bool(v))
        if found is None:
            return False
        container, key = found
        container[key] = "abc"
    elif mutation == "key-dropped":
        found = _first(facts, lambda v: isinstance(v, dict) and bool(v))
        container, key = found if found is not None else (facts, None)
        target = container[key] if key is not None else facts
        del target[next(iter(target))]
    elif mutation == "key-added":
        found = _first(facts, lambda v: isinstance(v, dict))
        target = found[0][found[1]] if found is not None else facts
        target["surprise"] = 1
    elif mutation == "emptied":
        found = _first(facts, lambda v: isinstance(v, list) and bool(v))
        if found is None:
            return False
        container, key = found
        container[key] = []
    else:  # "replaced"
        facts.clear()
        facts["facts"] = 5
    return True


FACT_MUTATIONS = (
    "leaf-retyped",
    "list-to-string",
    "key-dropped",
    "key-added",
    "emptied",
    "replaced",
)


def _entries(document: dict[str, Any]) -> dict[str, Any]:
    entries = document["files"]
    assert entries
    return entries


def _facts_of(entry: dict[str, Any]) -> dict[str, Any]:
    """The part of an entry that is the kind's own facts (not the bookkeeping)."""
    facts = entry.get("facts")
    return facts if isinstance(facts, dict) and "digest" not in entry.get("facts", {}) else entry


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("mutation", "sealed"),
    [
        pytest.param(mutation, sealed, id=f"{mutation}-{'resealed' if sealed else 'edited'}")
        for mutation in FACT_MUTATIONS
        for sealed in (False, True)
        # Emptied facts are of the right shape: only the seal tells them from real ones.
        if not (sealed and mutation == "emptied")
    ],
)
def test_an_entry_of_the_wrong_shape_is_ignored_and_rebuilt(warm, kind, mutation, sealed):
    """Edited: the entry's seal no longer matches. Resealed: as a build writing another shape
    under the same version would leave it; the shape check alone must refuse it."""
    project, baseline = warm
    path = project / CACHE_DIRECTORY / f"{kind}.json"
    document = json.loads(path.read_text())
    changed = [_mutate_facts(mutation, _facts_of(entry)) for entry in _entries(document).values()]
    assert any(changed)
    if sealed:
        for name, entry in _entries(document).items():
            entry["check"] = _seal(name, entry["digest"], entry["key"], entry["facts"])
    broken = json.dumps(document)
    _break(project, kind, broken)
    result = check()
    assert "internal error" not in result.err
    assert (result.code, result.out) == (baseline.code, baseline.out)
    assert path.read_text() != broken, "what could not be used is rebuilt"
    assert check().out == baseline.out


DOCUMENT_MUTATIONS: dict[str, Callable[[str], str]] = {
    "truncated": lambda text: text[: len(text) // 2],
    "a-list": lambda text: "[]",
    "a-number": lambda text: "5",
    "files-a-list": lambda text: json.dumps({**json.loads(text), "files": []}),
    "version-missing": lambda text: json.dumps({"files": json.loads(text)["files"]}),
    "entries-strings": lambda text: json.dumps(
        {**json.loads(text), "files": dict.fromkeys(json.loads(text)["files"], "x")}
    ),
    "digest-and-key-numbers": lambda text: json.dumps(
        {
            **json.loads(text),
            "files": {
                name: {**entry, "digest": 1, "key": 2}
                for name, entry in json.loads(text)["files"].items()
            },
        }
    ),
    "deeply-nested": lambda text: "[" * 100_000 + "]" * 100_000,
    "not-utf8": lambda text: text.replace('"', "\udce9", 1),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mutation", list(DOCUMENT_MUTATIONS))
def test_a_cache_file_of_the_wrong_shape_is_ignored_and_rebuilt(warm, kind, mutation):
    project, baseline = warm
    path = project / CACHE_DIRECTORY / f"{kind}.json"
    broken = DOCUMENT_MUTATIONS[mutation](path.read_text())
    _break(project, kind, broken)
    result = check()
    assert "internal error" not in result.err
    assert (result.code, result.out) == (baseline.code, baseline.out)
    assert json.loads(path.read_text())["files"], "rebuilt"
    assert check().out == baseline.out


@pytest.mark.parametrize("kind", ["models", "imports"])
def test_an_entry_moved_to_another_file_is_not_used(warm, kind):
    """A foreign entry: facts of one file filed under another's name."""
    project, baseline = warm
    path = project / CACHE_DIRECTORY / f"{kind}.json"
    document = json.loads(path.read_text())
    entries = _entries(document)
    names = sorted(entries)
    donor = next(name for name in names if name.endswith("models.py") or name == "a.py")
    for name in names:
        if name != donor:
            entries[name] = {**entries[donor], "digest": entries[name]["digest"]}
            entries[name]["key"] = json.loads(path.read_text())["files"][name]["key"]
    _break(project, kind, json.dumps(document))
    result = check()
    assert "internal error" not in result.err
    assert (result.code, result.out) == (baseline.code, baseline.out)
