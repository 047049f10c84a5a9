"""The fix engine: apply fixes on libcst, then prove them by re-parsing and re-detecting.

For each round: detect, compute each fixable finding's edits in isolation, merge the ones that
do not overlap, and keep the result only when it parses and every fixed finding is gone.
Rounds repeat (positions move after each) until nothing is left to fix.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from errguard.astutil import parse_or_none
from errguard.baseline.fingerprint import Baselined, not_baselined
from errguard.detect.engine import Engine, FileResult, InternalError
from errguard.detect.source import SourceError, SourceFile
from errguard.edits import LineIndex, apply_edits, overlaps, replacement_edit
from errguard.fileio import NotRegularFile, read_regular
from errguard.models import Applicability, Edit, Fix, Violation
from errguard.registry import load_rules

if TYPE_CHECKING:
    from errguard.fixes import FixContext, Replacement, Replacements
    from errguard.newer_syntax import NewerSyntax
    from errguard.project import Project

MAX_ROUNDS = 10


@dataclass
class FixResult:
    source: SourceFile
    text: str
    fixed: list[Violation] = field(default_factory=list)
    remaining: list[Violation] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    skipped: NewerSyntax | None = None

    @property
    def path(self) -> str:
        return self.source.display

    @property
    def changed(self) -> bool:
        return bool(self.fixed)


def wanted(violation: Violation, unsafe: bool) -> bool:
    return violation.fix is Applicability.SAFE or (unsafe and violation.fix is Applicability.UNSAFE)


def _with_text(source: SourceFile, text: str) -> SourceFile:
    return SourceFile(source.path, source.display, text.encode(source.encoding), source.encoding)


def _indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _render(context: FixContext, replacement: Replacement, indent: str) -> str:
    """Source for a replacement node, indented as the statement it stands in."""
    import libcst as cst
    from libcst._nodes.internal import CodegenState

    if isinstance(replacement, cst.RemovalSentinel):
        return ""
    module = context.module
    state = CodegenState(
        default_indent=module.default_indent, default_newline=module.default_newline
    )
    state.indent_tokens = [indent] if indent else []
    nodes = replacement.nodes if isinstance(replacement, cst.FlattenSentinel) else [replacement]
    for node in nodes:
        node._codegen(state)
    return "".join(state.tokens)


def replacement_edits(
    context: FixContext, replacements: Replacements, text: str, index: LineIndex
) -> tuple[Edit, ...]:
    lines = index.lines
    edits = []
    for old, new in replacements.items():
        span = context.spans[old]
        statement_line = context.positions[context.statement_of(old)].start.line
        indent = _indentation(lines[statement_line - 1]) if statement_line <= len(lines) else ""
        start = index.offset(span.start.line, span.start.column + 1)
        end = index.offset(span.end.line, span.end.column + 1)
        edit = replacement_edit(text, index, start, end, _render(context, new, indent))
        if edit is not None:
            edits.append(edit)
    # In file order: replacements come from sets in some fixers, and output must be stable.
    return tuple(sorted(edits, key=lambda edit: (edit.line, edit.column)))


def isolated_edits(
    text: str, violations: Sequence[Violation]
) -> list[tuple[Violation, tuple[Edit, ...]]]:
    """Each violation's own edits against ``text``; violations that cannot be fixed are left out."""
    import libcst as cst

    from errguard.fixes import FixContext, load_fixers

    fixers = load_fixers()
    wanted = [v for v in violations if v.code in fixers]
    if not wanted:
        return []
    try:
        context = FixContext(cst.parse_module(text))
    except (cst.ParserSyntaxError, RecursionError, MemoryError):
        return []
    index = LineIndex(text)
    results = []
    for violation in wanted:
        try:
            replacements = fixers[violation.code].fix(context, violation)
            edits = replacement_edits(context, replacements, text, index) if replacements else ()
        except (cst.CSTValidationError, RecursionError):
            continue
        if edits:
            results.append((violation, edits))
    return results


def attach_fixes(source: SourceFile, violations: list[Violation]) -> list[Violation]:
    """Fill in the edits of fixable findings (JSON, SARIF); a fix that cannot be made is dropped."""
    fixable = [v for v in violations if v.fix is not None]
    if not fixable:
        return violations
    rules = load_rules()
    by_violation = {id(v): edits for v, edits in isolated_edits(source.text, fixable)}
    attached = []
    for violation in violations:
        edits = by_violation.get(id(violation))
        if violation.fix is None:
            attached.append(violation)
        elif edits is None:
            attached.append(replace(violation, fix=None))
        else:
            title = rules[violation.code].fix_title.format(**violation.fix_data)
            attached.append(replace(violation, resolved_fix=Fix(violation.fix, title, edits)))
    return attached


Check = Callable[[SourceFile], FileResult]


class FixEngine:
    def __init__(
        self,
        engine: Engine,
        *,
        unsafe: bool = False,
        baselined: Baselined | None = None,
        accept: Callable[[Violation], bool] | None = None,
    ) -> None:
        self.engine = engine
        self.unsafe = unsafe
        # The file's findings a baseline records: left as they are.
        self.baselined = baselined
        self.accept = accept
        """Fix only the findings it accepts (``fix --from-report``); None: every one."""

    def fix(
        self, source: SourceFile, ignored: Iterable[str] = (), project: Project | None = None
    ) -> FixResult:
        check: Check = functools.partial(self.engine.check, ignored=tuple(ignored), project=project)
        try:
            text = source.text
        except SourceError:
            return FixResult(source, "", remaining=check(source).violations)
        result = FixResult(source, text)
        current = check(source)
        # A finding about the other findings (an unused noqa code) is fixed once the code
        # they are about is: a fix can make a code the comment lists needed again.
        reviewing = {rule.code for rule in self.engine.reviewers}
        for _ in range(MAX_ROUNDS):
            candidates = [
                v
                for v in current.violations
                if wanted(v, self.unsafe) and (self.accept is None or self.accept(v))
            ]
            candidates = [v for v in candidates if v.code not in reviewing] or candidates
            if self.baselined and candidates:
                as_now = _with_text(source, result.text)
                candidates = not_baselined(candidates, as_now, self.baselined)
            if not candidates or any(v.code == "EG001" for v in current.violations):
                break
            step = _round(result.text, source, candidates, current.violations, check)
            if step is None:
                break
            result.text, applied, current = step
            result.fixed.extend(applied)
        result.remaining = current.violations
        result.errors = current.errors
        result.skipped = current.skipped
        return result


def _round(
    text: str,
    source: SourceFile,
    candidates: list[Violation],
    before: list[Violation],
    check: Check,
) -> tuple[str, list[Violation], FileResult] | None:
    proposals = isolated_edits(text, candidates)
    batch: list[tuple[Violation, tuple[Edit, ...]]] = []
    for violation, edits in proposals:
        if not any(overlaps(edits, taken) for _, taken in batch):
            batch.append((violation, edits))
    # All together first; if that fails, the first one alone that passes.
    attempts = [batch, *([item] for item in batch)] if len(batch) > 1 else [batch]
    for attempt in attempts:
        if not attempt:
            continue
        new_text = apply_edits(text, [edit for _, edits in attempt for edit in edits])
        after = _verify(source, new_text, [v for v, _ in attempt], before, check)
        if after is not None:
            return new_text, [v for v, _ in attempt], after
    return None


def _verify(
    source: SourceFile, new_text: str, fixed: list[Violation], before: list[Violation], check: Check
) -> FileResult | None:
    """The new check result when the edit parses and removed what it fixed, else None."""
    if parse_or_none(new_text) is None:
        return None
    after = check(_with_text(source, new_text))
    counts_before = Counter(v.code for v in before)
    counts_after = Counter(v.code for v in after.violations)
    for code, fixed_count in Counter(v.code for v in fixed).items():
        if counts_after[code] > counts_before[code] - fixed_count:
            return None
    return after


class FileChanged(OSError):
    """The file no longer holds what the fixes were computed from: someone edited it."""

    def __init__(self, path: Path) -> None:
        super().__init__("the file changed since it was read")
        self.strerror = str(self)
        self.filename = str(path)


def write_atomic(path: Path, text: str, encoding: str, original: bytes) -> None:
    """Replace the content of the file ``path`` names with ``text``, in one rename.

    Through a symlink the target is written and the link stays. The file keeps its permission
    bits, owner and group. ``original`` is what the fixes were computed from: when the file no
    longer holds it (edited while ``fix`` ran), it is left alone. Raises ``OSError`` when the
    file is not written (``PermissionError`` when it is read-only, ``FileChanged``,
    ``NotRegularFile``).
    """
    data = text.encode(encoding)
    target = Path(os.path.realpath(path))
    info = os.stat(target)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(target, info.st_mode)
    mode = stat.S_IMODE(info.st_mode)
    # The rename would replace a read-only file all the same (it needs only the directory to
    # be writable), and root passes os.access() for every file: the mode bits decide too.
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, f"the file is read-only (mode {mode:04o})", str(path))
    # The name shortened: a file whose own name is near the length limit can be fixed too.
    prefix = f".{target.name[:64]}."
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        _keep_owner(temporary, info)
        os.chmod(temporary, mode)  # after chown, which clears the setuid and setgid bits
        # Last, to leave the smallest window: an edit made after this is lost, as with any
        # editor's save, but none made while the fixes were being computed.
        if read_regular(target) != original:
            raise FileChanged(path)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _keep_owner(temporary: str, info: os.stat_result) -> None:
    """Give the new file the old one's owner and group (the rename would give it ours)."""
    created = os.stat(temporary)
    if (created.st_uid, created.st_gid) == (info.st_uid, info.st_gid) or not hasattr(os, "chown"):
        return
    try:
        os.chown(temporary, info.st_uid, info.st_gid)
    except PermissionError:
        raise PermissionError(
            errno.EPERM,
            "the file belongs to another user or group, and replacing it would change that",
        ) from None
