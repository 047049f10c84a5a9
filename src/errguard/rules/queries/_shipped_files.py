"""EG102: rows read from a file the code ships with (fixtures, seed data), not from input.

``csv.DictReader(upload)`` yields as many rows as whoever wrote the file put in it; a file
whose path the code spells itself (``Path(__file__).parent / "countries.json"``,
``os.path.join(settings.BASE_DIR, "fixtures", "tags.csv")``, ``open("data/seed.csv")``) holds
what the repository holds: a fixed, reviewed amount of data, loaded by a seed or populate step.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass

from errguard.rules.queries._nplusone import called_name
from errguard.rules.queries._nplusone_driver import AnalysedNode

# Names a shipped path may be built with: the module's own location and path helpers.
_PATH_NAMES = frozenset({"os", "Path", "PurePath", "pathlib", "settings"})
# Where Django keeps what users upload: files there are input, whatever the code names them.
_UPLOADS = frozenset({"MEDIA_ROOT", "FILE_UPLOAD_TEMP_DIR"})
_OPENS = frozenset({"open", "read_text", "read_bytes"})


def shipped_rows(iterable: ast.expr, function: AnalysedNode) -> bool:
    """The loop reads a file whose path is written in the code, and nothing else that varies."""
    names = _Names.of(function)
    opened: list[ast.Call] = []
    if not _from_constants(iterable, names, opened, set()):
        return False
    return bool(opened) and all(_shipped_path(call, names) for call in opened)


@dataclass(frozen=True)
class _Names:
    """The function's locals bound once (by ``=`` or ``with ... as``), with their values, and
    the names that vary: parameters, loop targets, names bound more than once or otherwise."""

    bound: dict[str, ast.expr]
    varying: frozenset[str]

    @classmethod
    def of(cls, function: AnalysedNode) -> _Names:
        stores = Counter(
            node.id
            for node in ast.walk(function)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
        )
        values: dict[str, ast.expr] = {}
        for node in ast.walk(function):
            pairs: list[tuple[ast.expr | None, ast.expr]]
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                pairs = [(node.targets[0], node.value)]
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                pairs = [(i.optional_vars, i.context_expr) for i in node.items]
            else:
                continue
            values.update((t.id, v) for t, v in pairs if isinstance(t, ast.Name))
        parameters: set[str] = set()
        if not isinstance(function, ast.Module):
            arguments = function.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
            parameters = {a.arg for a in every}
        bound = {
            name: value
            for name, value in values.items()
            if stores[name] == 1 and name not in parameters
        }
        return cls(bound, frozenset(parameters | (stores.keys() - bound.keys())))


def _from_constants(node: ast.expr, names: _Names, opened: list[ast.Call], seen: set[str]) -> bool:
    """Nothing the expression reads varies: module-level names (imports, constants) and
    locals bound once from such names; the files it opens are collected in ``opened``."""
    for child in ast.walk(node):
        if isinstance(child, ast.Call) and called_name(child) in _OPENS:
            opened.append(child)
        if isinstance(child, ast.Attribute) and child.attr == "objects":
            return False  # a queryset: rows of the database, not of the file
        if not isinstance(child, ast.Name) or child.id in seen:
            continue
        if child.id in names.varying:
            return False
        if child.id in names.bound:
            seen.add(child.id)
            if not _from_constants(names.bound[child.id], names, opened, seen):
                return False
    return True


def _shipped_path(call: ast.Call, names: _Names) -> bool:
    """``open(<path>)`` or ``<path>.read_text()`` with a path spelled from string constants,
    ``__file__``, path helpers and UPPER-case settings or constants."""
    func = call.func
    path = func.value if isinstance(func, ast.Attribute) and not call.args else None
    if path is None and call.args:
        path = call.args[0]
    return path is not None and _path_expression(path, names, set())


def _path_expression(node: ast.expr, names: _Names, seen: set[str]) -> bool:
    spelled = False
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            spelled = True
        elif isinstance(child, ast.Name) and child.id not in seen:
            if child.id in names.bound:
                seen.add(child.id)
                if not _path_expression(names.bound[child.id], names, seen):
                    return False
                spelled = True
            elif child.id == "__file__" or child.id.isupper():
                spelled = True
            elif child.id in names.varying or child.id not in _PATH_NAMES:
                return False
        elif (
            isinstance(child, ast.Attribute)
            and isinstance(child.value, ast.Name)
            and child.value.id == "settings"
            and (not child.attr.isupper() or child.attr in _UPLOADS)
        ):
            return False
    return spelled
