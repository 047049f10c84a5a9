"""Where a query came from, and which call from the test into the project ran it.

A query's stack is walked from the database call outwards until a frame of project code
(``codekinds``: not library code). That frame is the query's call site; when the walk passes
a Django template node first, the template's line is the call site instead (the frame of
project code outside it is remembered as where the template was rendered), and when it passes
a DRF serializer reading a field, the field's declaration (``serializer_sites``). Each file is
classified once, so the walk costs a dictionary lookup per frame (keyed by the file name: a
string caches its hash, a code object does not). The result is kept as a
``(file, line, function)`` tuple and turned into text only when a report shows it.

The walk then goes on to the innermost frame of test code: the frame it called is one *call
into the project* (a request through the test client, one call of a project function). The
repetitions that make an N+1 are counted per call, so a test that makes six requests in a row
does not look like a loop. A query run by test code itself belongs to no call (serial 0).
Calls are numbered by keeping the calling frame alive until the next call replaces it, so a new
call can never be mistaken for the previous one because its frame reused the same memory.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, FrameType, TracebackType

from errguard.queries.codekinds import DEFAULT_TEST_PATTERNS, LIBRARY, PROJECT, TEST, CodeKinds
from errguard.queries.serializer_sites import field_location, list_location, serializer_codes
from errguard.queries.template_sites import is_template_function, render_code, template_location

FrameKey = tuple[str, int, str]
"""A call site as recorded for each query: file name, line number, raw qualified name."""

NO_CALL = 0
"""The call serial of a query run by test code itself, or with no project frame at all."""

# co_qualname (Class.method, outer.<locals>.inner) exists from Python 3.11; co_name before.
_NAME_ATTRIBUTE = "co_qualname" if sys.version_info >= (3, 11) else "co_name"


@dataclass(frozen=True)
class CallSite:
    """A line of project code that ran a query: ``app/reports.py:9 in book_author_names``."""

    path: str
    """The file, relative to pytest's rootdir when inside it, with ``/`` separators."""
    lineno: int
    function: str
    filename: str = field(compare=False, repr=False)
    """The absolute file name, as Python reports it."""
    rendered_from: CallSite | None = field(default=None, compare=False, repr=False)
    """For a template line: the project frame that rendered the template (a view's render)."""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.lineno}"

    def __str__(self) -> str:
        return f"{self.location} in {self.function}"


_COMPREHENSIONS = frozenset({"<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>"})


def _function_name(qualname: str) -> str:
    """``Class.method`` or ``function``: a comprehension's frame is named after its function.

    From Python 3.11 ``books.<locals>.<listcomp>`` reads ``books``; 3.10 only has the
    comprehension's own name.
    """
    parts = qualname.split(".")
    while len(parts) > 1 and parts[-1] in _COMPREHENSIONS:
        parts.pop()
    return ".".join(part for part in parts if part != "<locals>")


def _frame_name(frame: FrameType) -> str:
    """The frame's qualified name; Python 3.10 names a comprehension's frame only ``<listcomp>``.

    There the function is the one that runs the comprehension: the caller in the same file.
    """
    code = frame.f_code
    name: str = getattr(code, _NAME_ATTRIBUTE)
    caller = frame.f_back
    while name in _COMPREHENSIONS and caller is not None:
        if caller.f_code.co_filename != code.co_filename:
            break
        name = getattr(caller.f_code, _NAME_ATTRIBUTE)
        caller = caller.f_back
    return name


class CallSiteFinder:
    """Finds and names the project frame of each query; one per test session."""

    def __init__(
        self, root: Path | None = None, test_patterns: Iterable[str] = DEFAULT_TEST_PATTERNS
    ) -> None:
        self.root = root
        self.kinds = CodeKinds(root, test_patterns)
        self._kind: dict[str, int] = {}
        self._resolved: dict[FrameKey, CallSite] = {}
        self._rendered_from: dict[FrameKey, FrameKey] = {}
        self._calls: dict[int, tuple[FrameType, int, FrameType]] = {}
        """Per thread: the current call's entry frame, its serial, and the project frame of
        the last query (kept alive, so a new frame can never pass for it)."""
        self._serials = itertools.count(NO_CALL + 1)
        self._modules_seen = 0
        self._render: CodeType | None = None
        self._field: CodeType | None = None
        self._list: CodeType | None = None

    def find(self, frame: FrameType | None) -> FrameKey | None:
        """The call site of a query made in ``frame``: its innermost project frame or template."""
        return self._innermost(frame)[0]

    def locate(self, frame: FrameType | None, thread: int) -> tuple[FrameKey | None, int]:
        """The call site, and the serial of the call from test code into project code."""
        site, project_frame, kind = self._innermost(frame)
        if project_frame is None or kind == TEST:
            return site, NO_CALL
        current = self._calls.get(thread)
        if current is not None and current[2] is project_frame:
            return site, current[1]  # a loop in one function: no need to walk to the test
        return site, self._call_serial(self._entry(project_frame), project_frame, thread)

    def end_calls(self) -> None:
        """Let go of the frames that number the calls (the test body has ended)."""
        self._calls.clear()

    def _kind_of(self, filename: str) -> int:
        kind = self._kind.get(filename)
        if kind is None:
            kind = self._kind[filename] = self.kinds.kind(filename)
        return kind

    def refresh(self) -> None:
        """Look up the code of the template and serializer frames that name call sites.

        Django's template engine and DRF may be imported in the middle of a test (by the first
        request that loads the URLconf): looked up again whenever a module was imported since.
        """
        self._modules_seen = len(sys.modules)
        self._render = render_code()
        self._field, self._list = serializer_codes()

    def _innermost(self, frame: FrameType | None) -> tuple[FrameKey | None, FrameType | None, int]:
        """The call site, the frame to count calls from, and that frame's kind.

        The call site is the innermost frame of project (or test) code, unless the walk to it
        passes a template node or a DRF serializer field of the project first: then that
        template line or field declaration is the call site (a PROJECT site).
        """
        if self._modules_seen != len(sys.modules):
            self.refresh()
        render, field, rows = self._render, self._field, self._list
        kind_of = self._kind.get
        named: FrameKey | None = None
        named_frame: FrameType | None = None
        while frame is not None:
            code = frame.f_code
            kind = kind_of(code.co_filename)
            if kind is None:
                kind = self._kind_of(code.co_filename)
            if kind != LIBRARY:
                site = (code.co_filename, frame.f_lineno, _frame_name(frame))
                if named is None:
                    return site, frame, kind
                if is_template_function(named[2]):
                    self._rendered_from[named] = site
                return named, named_frame, PROJECT
            if named is None and (code is render or code is field or code is rows):
                location = self._named_location(frame, code)
                if location is not None and self._kind_of(location[0]) != LIBRARY:
                    named, named_frame = location, frame
            frame = frame.f_back
        if named is not None:
            return named, named_frame, PROJECT
        return None, None, LIBRARY

    def _named_location(self, frame: FrameType, code: CodeType) -> FrameKey | None:
        if code is self._render:
            return template_location(frame)
        if code is self._field:
            return field_location(frame)
        return list_location(frame)

    def _entry(self, frame: FrameType) -> FrameType:
        """The frame that test code called to reach ``frame`` (project code).

        Without test code on the stack (a thread the project started, a ``sync_to_async``
        worker), the outermost frame of project code is the call.
        """
        known = self._kind.get
        callee = outermost_project = frame
        caller = frame.f_back
        while caller is not None:
            filename = caller.f_code.co_filename
            kind = known(filename)
            if kind is None:
                kind = self._kind_of(filename)
            if kind == TEST:
                return callee
            if kind != LIBRARY:
                outermost_project = caller
            callee, caller = caller, caller.f_back
        return outermost_project

    def _call_serial(self, entry: FrameType, project_frame: FrameType, thread: int) -> int:
        current = self._calls.get(thread)
        serial = current[1] if current is not None and current[0] is entry else next(self._serials)
        self._calls[thread] = (entry, serial, project_frame)
        return serial

    def is_library_file(self, filename: str) -> bool:
        return self._kind_of(filename) == LIBRARY

    def innermost_in_traceback(self, traceback: TracebackType | None) -> CallSite | None:
        """The innermost frame of project or test code in ``traceback``: where a failure was.

        The traceback, not the frames' ``f_back``: a generator's frame (a queryset's iterator)
        loses its caller once the error has left it.
        """
        site: FrameKey | None = None
        while traceback is not None:
            frame = traceback.tb_frame
            if self._kind_of(frame.f_code.co_filename) != LIBRARY:
                site = (frame.f_code.co_filename, traceback.tb_lineno, _frame_name(frame))
            traceback = traceback.tb_next
        return self.resolve(site)

    def resolve(self, key: FrameKey | None) -> CallSite | None:
        if key is None:
            return None
        call_site = self._resolved.get(key)
        if call_site is None:
            filename, lineno, qualname = key
            rendered_from = self.resolve(self._rendered_from.get(key))
            call_site = CallSite(
                self.display_path(filename),
                lineno,
                qualname if is_template_function(qualname) else _function_name(qualname),
                filename,
                rendered_from,
            )
            self._resolved[key] = call_site
        return call_site

    def display_path(self, filename: str) -> str:
        path = Path(filename)
        if self.root is not None:
            try:
                return path.relative_to(self.root).as_posix()
            except ValueError:
                pass
        return path.as_posix()
