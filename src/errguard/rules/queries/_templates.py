"""What a Django template's ``{% for %}`` loops read from each row, read as text.

Only what decides an N+1 is parsed: ``{% for x in name %}`` over a context variable, the
attribute chains read from ``x`` inside it (in ``{{ }}`` and in tag arguments), ``{% with %}``
aliases of those chains, and loops nested over ``x.relation.all``. Tokens are found the way
Django's lexer finds them (one line each); strings are dropped before names are read, so a
quoted ``"x.y"`` is not a read. Templates are found in the project's ``templates``
directories by the name the view passes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from errguard.config import Config
from errguard.fileio import read_regular

_TOKEN = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}")
_STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
_CHAIN = re.compile(r"(?<![\w.])([A-Za-z_]\w*)((?:\.\w+)+)")
_FOR = re.compile(r"for\s+([\w\s,]+?)\s+in\s+([\w.]+)")
_WITH_NEW = re.compile(r"(\w+)=([\w.]+)")
_WITH_OLD = re.compile(r"^with\s+([\w.]+)\s+as\s+(\w+)\s*$")
_MAX_TEMPLATE_BYTES = 2_000_000


@dataclass(frozen=True)
class Read:
    """``row.a.b`` read on template line ``line`` (a path may end in a manager call the
    template makes: ``row.tags.all`` in a nested ``{% for %}``)."""

    path: tuple[str, ...]
    line: int


@dataclass
class Loop:
    """A ``{% for row in variable %}`` over a context variable, and what it reads per row."""

    variable: str
    row: str
    line: int
    reads: list[Read] = field(default_factory=list)
    through: tuple[str, ...] = ()
    """``("tags", "all")`` for ``{% for tag in book.tags.all %}`` over a context object."""


@dataclass
class _Frame:
    loop: Loop | None
    aliases: dict[str, tuple[str, ...]]
    """Names bound inside the loop to a chain read from its row (``{% with %}``)."""


def template_loops(text: str) -> list[Loop]:
    """The loops over context variables in ``text``, each with the reads of its row."""
    loops: list[Loop] = []
    stack: list[_Frame] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        for match in _TOKEN.finditer(line):
            token = match.group()
            body = _STRING.sub('""', token[2:-2]).strip()
            if token.startswith("{#"):
                continue
            if token.startswith("{%"):
                _tag(body, line_number, stack, loops)
            else:
                _reads(body, line_number, stack)
    return loops


def _tag(body: str, line: int, stack: list[_Frame], loops: list[Loop]) -> None:
    word = body.split(None, 1)[0] if body else ""
    if word == "for":
        _reads(body, line, stack)
        stack.append(_Frame(_loop(body, line, stack, loops), {}))
    elif word == "endfor":
        if stack:
            stack.pop()
    elif word == "with":
        _reads(body, line, stack)
        aliases = _with_aliases(body)
        if stack:
            stack[-1].aliases.update(_resolved(aliases, stack))
    else:
        _reads(body, line, stack)


def _loop(body: str, line: int, stack: list[_Frame], loops: list[Loop]) -> Loop | None:
    found = _FOR.match(body)
    if found is None:
        return None
    names = [name.strip() for name in found.group(1).split(",")]
    if len(names) != 1:
        return None  # ``for key, value in items``: not rows of a queryset
    iterable = found.group(2).split(".")
    if _row_of(iterable[0], stack) is not None:
        return None  # over a row's relation: the outer row's read, counted there
    loop = Loop(iterable[0], names[0], line, through=tuple(iterable[1:]))
    loops.append(loop)
    return loop


def _with_aliases(body: str) -> dict[str, tuple[str, ...]]:
    old = _WITH_OLD.match(body)
    if old is not None:
        return {old.group(2): tuple(old.group(1).split("."))}
    return {name: tuple(chain.split(".")) for name, chain in _WITH_NEW.findall(body)}


def _resolved(
    aliases: dict[str, tuple[str, ...]], stack: list[_Frame]
) -> Iterator[tuple[str, tuple[str, ...]]]:
    for name, chain in aliases.items():
        owner = _row_of(chain[0], stack)
        if owner is not None:
            yield name, (*owner[1], *chain[1:])


def _row_of(name: str, stack: list[_Frame]) -> tuple[Loop, tuple[str, ...]] | None:
    """The innermost loop whose row ``name`` is (or aliases a chain from), with that chain."""
    for frame in reversed(stack):
        if name in frame.aliases:
            owner = next((f.loop for f in reversed(stack) if f.loop is not None), None)
            return (owner, frame.aliases[name]) if owner is not None else None
        if frame.loop is not None and frame.loop.row == name:
            return frame.loop, ()
    return None


def _reads(body: str, line: int, stack: list[_Frame]) -> None:
    if not stack:
        return
    for name, chain in _CHAIN.findall(body):
        owner = _row_of(name, stack)
        if owner is not None:
            loop, prefix = owner
            loop.reads.append(Read((*prefix, *chain.strip(".").split(".")), line))


_TEMPLATE_DIRECTORIES: dict[tuple[Path, tuple[str, ...]], list[Path]] = {}


def find_template(config: Config, name: str) -> Path | None:
    """The file ``name`` denotes in one of the ``templates`` directories under the project's
    root, in the directories the run does not exclude."""
    if not name or name.startswith("/") or ".." in name.split("/"):
        return None
    for directory in _template_directories(config):
        candidate = directory / name
        if os.path.isfile(candidate):
            return candidate
    return None


def read_template(path: Path) -> str | None:
    try:
        data = read_regular(path)
    except OSError:
        return None
    if len(data) > _MAX_TEMPLATE_BYTES:
        return None
    return data.decode("utf-8", errors="replace")


def _template_directories(config: Config) -> list[Path]:
    key = (config.root, config.exclude)
    found = _TEMPLATE_DIRECTORIES.get(key)
    if found is None:
        found = _TEMPLATE_DIRECTORIES[key] = sorted(_walk_for_templates(config))
    return found


def _walk_for_templates(config: Config) -> Iterator[Path]:
    for directory, subdirectories, _ in os.walk(config.root):
        subdirectories[:] = [
            name for name in subdirectories if not config.is_excluded_in(directory, name)
        ]
        if os.path.basename(directory) == "templates":
            yield Path(directory)
