"""What a Django template's ``{% for %}`` loops read from each row, read as text.

Only what decides an N+1 is parsed: ``{% for x in name %}`` over a context variable, the
attribute chains read from ``x`` inside it (in ``{{ }}`` and in tag arguments), ``{{ x }}``
itself (its ``__str__``), ``{% with %}`` aliases of those chains, and loops nested over
``x.relation.all``. ``{% include "literal.html" %}`` is read where it stands, as Django renders
it: with the including template's names (a loop's row stays the row), its ``with`` names bound
to what they alias, and nothing else after ``only``. Tokens are found the way Django's lexer
finds them (one line each); strings are dropped before names are read, so a quoted ``"x.y"``
is not a read. Templates are found in the project's ``templates`` directories by the name the
view passes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from errguard.config import Config
from errguard.fileio import read_regular
from errguard.project.reads import record

_TOKEN = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}")
_STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
_CHAIN = re.compile(r"(?<![\w.])([A-Za-z_]\w*)((?:\.\w+)+)")
_NAME_OR_CHAIN = re.compile(r"[A-Za-z_]\w*(?:\.\w+)*")
_FOR = re.compile(r"for\s+([\w\s,]+?)\s+in\s+([\w.]+)")
_WITH_NEW = re.compile(r"(\w+)=(\S+)")
_WITH_OLD = re.compile(r"^with\s+([\w.]+)\s+as\s+(\w+)\s*$")
_INCLUDE = re.compile(r"^include\s+([\"'])([^\"']+)\1(.*)$", re.DOTALL)
_ONLY = re.compile(r"\bonly\s*$")
# Filters after which ``{{ x|f }}`` still shows ``str(x)``; any other may show something else.
_STRING_FILTERS = frozenset(
    {
        "default", "default_if_none", "escape", "force_escape", "safe", "upper", "lower",
        "title", "capfirst", "truncatechars", "truncatewords", "striptags", "linebreaksbr",
        "center", "ljust", "rjust", "cut", "wordwrap", "escapejs", "urlize",
    }
)  # fmt: skip
# Nested includes followed: enough for page -> column -> fragment, bounded on cycles; and
# how many a rendered template may pull in, so that one page stays cheap to read.
_MAX_INCLUDE_DEPTH = 4
_MAX_INCLUDES = 64
_MAX_TEMPLATE_BYTES = 2_000_000

Include = Callable[[str], "tuple[str, str] | None"]
"""A template name to the path shown for it and its text (None: not found or not read)."""


@dataclass(frozen=True)
class Read:
    """``row.a.b`` read on line ``line`` of ``template`` (a path may end in a manager call the
    template makes: ``row.tags.all`` in a nested ``{% for %}``). ``template`` is the shown path
    of an included file, "" for the rendered one."""

    path: tuple[str, ...]
    line: int
    template: str = ""
    shown: bool = False
    """``{{ row.a.b }}``: the value is shown, by its ``__str__`` (``path`` may be empty)."""


@dataclass
class Loop:
    """A ``{% for row in variable %}`` over a context variable, and what it reads per row."""

    variable: str
    row: str
    line: int
    reads: list[Read] = field(default_factory=list)
    through: tuple[str, ...] = ()
    """``("tags", "all")`` for ``{% for tag in book.tags.all %}`` over a context object."""
    template: str = ""
    """The included file the loop is in, "" for the rendered one."""


@dataclass(frozen=True)
class _Alias:
    """What a name stands for: ``chain`` read from a loop's row, or a context variable's
    chain when ``loop`` is None (an empty chain there: a name that hides what it shadows)."""

    loop: Loop | None
    chain: tuple[str, ...]


_HIDDEN = _Alias(None, ())


@dataclass
class _Frame:
    loop: Loop | None
    aliases: dict[str, _Alias]
    """Names bound inside the loop or include (``{% with %}``, ``include ... with``)."""
    only: bool = False
    """An ``{% include ... only %}``: the names outside it are not visible."""


def template_loops(text: str, include: Include | None = None) -> list[Loop]:
    """The loops over context variables in ``text``, each with the reads of its row;
    ``include`` reads the templates that ``{% include "name" %}`` tags name."""
    reader = _Reader(include)
    reader.read(text, "")
    return reader.loops


class _Reader:
    def __init__(self, include: Include | None) -> None:
        self.include = include
        self.loops: list[Loop] = []
        self.stack: list[_Frame] = []
        self.including: list[str] = []  # the names being included, against cycles
        self.included = 0
        self.floor = 0  # an included file's ``endfor`` does not close its includer's loops

    def read(self, text: str, template: str) -> None:
        for line_number, line in enumerate(text.splitlines(), start=1):
            for match in _TOKEN.finditer(line):
                token = match.group()
                if token.startswith("{#"):
                    continue
                raw = token[2:-2].strip()
                body = _STRING.sub('""', raw).strip()
                if token.startswith("{%"):
                    self._tag(raw, body, line_number, template)
                else:
                    self._variable(body, line_number, template)

    def _tag(self, raw: str, body: str, line: int, template: str) -> None:
        word = body.split(None, 1)[0] if body else ""
        self._reads(body, line, template)
        if word == "for":
            self.stack.append(_Frame(self._loop(body, line, template), {}))
        elif word == "endfor":
            if len(self.stack) > self.floor:
                self.stack.pop()
        elif word == "with":
            if self.stack:
                self.stack[-1].aliases.update(self._with_aliases(body))
        elif word == "include":
            self._include(raw)

    def _loop(self, body: str, line: int, template: str) -> Loop | None:
        found = _FOR.match(body)
        if found is None:
            return None
        names = [name.strip() for name in found.group(1).split(",")]
        if len(names) != 1:
            return None  # ``for key, value in items``: not rows of a queryset
        iterable = found.group(2).split(".")
        alias = self._lookup(iterable[0])
        if alias is None:
            variable, through = iterable[0], tuple(iterable[1:])
        elif alias.loop is None and alias.chain:  # an include's name for a context variable
            variable, through = alias.chain[0], (*alias.chain[1:], *iterable[1:])
        else:
            return None  # over a row's relation (the outer row's read, counted there)
        loop = Loop(variable, names[0], line, through=through, template=template)
        self.loops.append(loop)
        return loop

    def _with_aliases(self, body: str) -> dict[str, _Alias]:
        old = _WITH_OLD.match(body)
        if old is not None:
            return {old.group(2): self._alias(old.group(1))}
        return {name: self._alias(value) for name, value in _WITH_NEW.findall(body)}

    def _alias(self, value: str) -> _Alias:
        """What a name bound to ``value`` stands for, looked up where it is bound."""
        if not _NAME_OR_CHAIN.fullmatch(value):
            return _HIDDEN  # a string, a number, a filtered value: not a row
        chain = tuple(value.split("."))
        alias = self._lookup(chain[0])
        if alias is None:
            return _Alias(None, chain)
        if alias is _HIDDEN:
            return _HIDDEN
        return _Alias(alias.loop, (*alias.chain, *chain[1:]))

    def _include(self, raw: str) -> None:
        found = _INCLUDE.match(raw)
        if (
            found is None
            or self.include is None
            or len(self.including) >= _MAX_INCLUDE_DEPTH
            or found.group(2) in self.including
            or self.included >= _MAX_INCLUDES
        ):
            return
        self.included += 1
        included = self.include(found.group(2))
        if included is None:
            return
        shown, text = included
        rest = _STRING.sub('""', found.group(3)).strip()
        aliases = {name: self._alias(value) for name, value in _WITH_NEW.findall(rest)}
        depth, floor = len(self.stack), self.floor
        self.stack.append(_Frame(None, aliases, only=bool(_ONLY.search(rest))))
        self.including.append(found.group(2))
        self.floor = len(self.stack)
        self.read(text, shown)
        self.including.pop()
        self.floor = floor
        del self.stack[depth:]

    def _lookup(self, name: str) -> _Alias | None:
        """What ``name`` stands for here: a row (``chain`` from it), a context variable's
        chain, hidden, or None for a context variable of its own name."""
        for frame in reversed(self.stack):
            if name in frame.aliases:
                return frame.aliases[name]
            if frame.loop is not None and frame.loop.row == name:
                return _Alias(frame.loop, ())
            if frame.only:
                return _HIDDEN
        return None

    def _reads(self, body: str, line: int, template: str) -> None:
        if not self.stack:
            return
        for name, chain in _CHAIN.findall(body):
            alias = self._lookup(name)
            if alias is not None and alias.loop is not None:
                path = (*alias.chain, *chain.strip(".").split("."))
                alias.loop.reads.append(Read(path, line, template))

    def _variable(self, body: str, line: int, template: str) -> None:
        """``{{ row.author }}`` (or ``{{ row }}``) reads what it names and shows its ``str()``;
        the filters' arguments are plain reads."""
        expression, bar, filters = body.partition("|")
        expression = expression.strip()
        first_filter = filters.split(":", 1)[0].strip()
        chain = expression.split(".")
        alias = self._lookup(chain[0]) if _NAME_OR_CHAIN.fullmatch(expression) else None
        if alias is None or alias.loop is None or (bar and first_filter not in _STRING_FILTERS):
            self._reads(body, line, template)
            return
        alias.loop.reads.append(Read((*alias.chain, *chain[1:]), line, template, shown=True))
        self._reads(filters, line, template)


_TEMPLATE_DIRECTORIES: dict[tuple[Path, tuple[str, ...]], list[Path]] = {}


def find_template(config: Config, name: str, project: Path | None = None) -> Path | None:
    """The file ``name`` denotes in one of the ``templates`` directories under the run's root,
    in the directories the run does not exclude; those of ``project`` (the checked file's
    project) first, so that projects checked in one run do not read each other's templates."""
    if not name or name.startswith("/") or ".." in name.split("/"):
        return None
    record("template-dirs")
    directories = template_directories(config)
    if project is not None:
        directories = sorted(
            directories, key=lambda directory: not directory.is_relative_to(project)
        )
    for directory in directories:
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


def template_directories(config: Config) -> list[Path]:
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
