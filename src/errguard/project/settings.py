"""What the project's Django settings say, read from their source without importing them.

Only what rules need: the databases whose ``ATOMIC_REQUESTS`` is on, so that every view runs
inside a transaction. A settings module is one whose dotted name contains ``settings`` (the
project's ``settings.py``, a ``settings/`` package, ``settings_prod.py``), outside tests. A
value computed at start-up (``env.bool("ATOMIC_REQUESTS")``) is not known here and counts as
off: a rule that relies on it reports only what the source says for certain.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from errguard.astutil import parse_or_none
from errguard.project.modules import module_name

_SETTING = b"ATOMIC_REQUESTS"
_SKIPPED_PARTS = frozenset({"tests", "test", "testing"})


def atomic_request_databases(sources: Mapping[Path, bytes], src: Sequence[Path]) -> frozenset[str]:
    """The database aliases that settings modules of the project set ``ATOMIC_REQUESTS`` on for."""
    found: set[str] = set()
    for path, data in sources.items():
        if _SETTING not in data or not _is_settings(module_name(path, src)):
            continue
        tree = parse_or_none(data)
        if tree is not None:
            found.update(_aliases_turned_on(tree))
    return frozenset(found)


def _is_settings(module: str) -> bool:
    parts = module.split(".")
    return "settings" in module and not (_SKIPPED_PARTS & set(parts) or "test" in parts[-1])


def _aliases_turned_on(tree: ast.Module) -> Iterator[str]:
    """``DATABASES = {"default": {..., "ATOMIC_REQUESTS": True}}`` and
    ``DATABASES["default"]["ATOMIC_REQUESTS"] = True``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and isinstance(value, ast.Dict)
                    and _turns_on(value)
                ):
                    yield key.value
        elif isinstance(node, ast.Assign) and _is_true(node.value):
            for target in node.targets:
                alias = _subscripted_alias(target)
                if alias is not None:
                    yield alias


def _turns_on(database: ast.Dict) -> bool:
    return any(
        isinstance(key, ast.Constant) and key.value == "ATOMIC_REQUESTS" and _is_true(value)
        for key, value in zip(database.keys, database.values, strict=True)
    )


def _subscripted_alias(target: ast.expr) -> str | None:
    """``"default"`` of ``DATABASES["default"]["ATOMIC_REQUESTS"]``."""
    if not (
        isinstance(target, ast.Subscript)
        and isinstance(target.slice, ast.Constant)
        and target.slice.value == "ATOMIC_REQUESTS"
        and isinstance(target.value, ast.Subscript)
        and isinstance(target.value.slice, ast.Constant)
        and isinstance(target.value.slice.value, str)
    ):
        return None
    return target.value.slice.value


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True
