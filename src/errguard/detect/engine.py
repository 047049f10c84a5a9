"""The detection engine: parse once, walk once, hand each node to the rules that want its type."""

from __future__ import annotations

import ast
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from errguard.config import Config
from errguard.detect.context import FileContext
from errguard.detect.deadline import check_time
from errguard.detect.noqa import filter_noqa
from errguard.detect.source import SourceError, SourceFile
from errguard.models import Violation
from errguard.newer_syntax import NewerSyntax
from errguard.project.modules import test_data
from errguard.registry import Rule, Visitor, get_rule, load_rules, same_checks

if TYPE_CHECKING:
    from errguard.project import Project

PARSE_ERROR_CODE = "EG001"
# Fields that never lead to a node a rule dispatches on; skipping them halves the pushes.
_SKIPPED_FIELDS = frozenset({"ctx", "op", "type_comment", "kind", "conversion", "level"})
# Node types that live in statement lists, and the fields holding those lists. When no rule
# dispatches on anything else, expressions (most of any tree) are never visited.
_STATEMENT_LEVEL = (ast.stmt, ast.excepthandler, ast.match_case, ast.mod)
_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
# Reading the clock at every node would cost more than some rules.
_NODES_PER_CLOCK_READ = 256
FieldsOf = Callable[[type[ast.AST]], tuple[str, ...]]


@dataclass(frozen=True)
class InternalError:
    """errguard could not check (all of) a file: a rule crashed, the file's time ran out. Not
    a finding about the code: ``errguard`` names it on stderr with exit code 2, the flake8
    plugin reports it as EG000."""

    path: str
    line: int
    what: str  # "internal error in EG101: KeyError: 'x'"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


@dataclass
class FileResult:
    path: str
    violations: list[Violation] = field(default_factory=list)
    # Reported on stderr, exit code 2; the other files still run.
    errors: list[InternalError] = field(default_factory=list)
    # Valid code for a newer Python that this one cannot parse: not checked, told on stderr.
    skipped: NewerSyntax | None = None
    # Told on stderr without changing the exit code (a symbolic link ``fix`` leaves alone).
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Plan:
    """How to walk a file for one set of active rules: whom to call, which fields to follow."""

    dispatch: dict[type[ast.AST], list[Visitor]]
    fields_of: FieldsOf

    @classmethod
    def build(cls, rules: Iterable[Rule]) -> _Plan:
        dispatch: defaultdict[type[ast.AST], list[Visitor]] = defaultdict(list)
        for rule in rules:
            for node_type, visitor in rule.visitors():
                dispatch[node_type].append(visitor)
        statement_only = all(issubclass(t, _STATEMENT_LEVEL) for t in dispatch)
        fields_of: FieldsOf = _statement_fields if statement_only else _child_fields  # type: ignore[assignment]
        return cls(dict(dispatch), fields_of)


class Engine:
    """A fixed selection of rules, ready to run over many files."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.codes = frozenset(rule.code for rule in rules)
        self.uses_models = any(rule.uses_models for rule in rules)
        self.reviewers = tuple(rule for rule in rules if rule.reviews_findings)
        self._plans: dict[tuple[int, ...], _Plan] = {}

    def _active(self, data: bytes) -> tuple[int, ...]:
        """The rules whose triggers occur in the file (all, for most files), by index."""
        return tuple(
            index
            for index, rule in enumerate(self.rules)
            if not rule.triggers or any(trigger in data for trigger in rule.triggers)
        )

    def prepare(self, source: SourceFile, project: Project) -> None:
        """Build the project-wide facts the file's rules read (otherwise built by the first
        file that needs them), so that a file's time limit counts the file's own analysis."""
        active = [self.rules[index] for index in self._active(source.data)]
        models = any(rule.uses_models for rule in active)
        imports = any(rule.uses_import_graph for rule in active)
        if models or imports:
            project.warm(models=models, imports=imports, jobs=1)

    def _plan(self, data: bytes) -> _Plan:
        """The walk for the rules whose triggers occur in the file."""
        active = self._active(data)
        plan = self._plans.get(active)
        if plan is None:
            plan = self._plans[active] = _Plan.build(self.rules[index] for index in active)
        return plan

    @classmethod
    def from_config(cls, config: Config) -> Engine:
        registry = load_rules()
        enabled = config.enabled_codes({code: rule.opt_in for code, rule in registry.items()})
        enabled -= config.left_to_other_linters(same_checks(registry)).keys()
        return cls([registry[code](config.options_for(code)) for code in sorted(enabled)])

    def detect(
        self, source: SourceFile, tree: ast.Module, project: Project | None = None
    ) -> tuple[list[Violation], list[InternalError]]:
        """Run the rules over a parsed file: raw findings (before noqa) and internal errors."""
        ctx = FileContext(source, tree, project)
        errors: list[InternalError] = []
        plan = self._plan(source.data)
        if plan.dispatch:
            _walk(tree, plan, ctx, errors.append)
        return ctx.violations, errors

    def check(
        self, source: SourceFile, *, ignored: Iterable[str] = (), project: Project | None = None
    ) -> FileResult:
        """Everything ``errguard check`` does for one file, never raising on bad input."""
        result = FileResult(source.display)
        ignored = tuple(ignored)
        try:
            tree = source.parse()
            violations, result.errors = self.detect(source, tree, project)
            violations = [v for v in violations if not v.code.startswith(ignored)]
            violations += self._review(source, violations, ignored)
            result.violations = filter_noqa(violations, source.text, source.lines)
        except NewerSyntax as newer:
            result.skipped = newer
        except SourceError as exc:
            reported = PARSE_ERROR_CODE in self.codes and not PARSE_ERROR_CODE.startswith(ignored)
            if reported and not test_data(source.path):  # invalid test data is on purpose
                result.violations = [parse_error(source.display, exc)]
        result.violations.sort(key=lambda v: v.sort_key)
        return result

    def _review(
        self, source: SourceFile, findings: list[Violation], ignored: tuple[str, ...]
    ) -> list[Violation]:
        reviewers = [rule for rule in self.reviewers if not rule.code.startswith(ignored)]
        if not reviewers:
            return []
        enabled = frozenset(code for code in self.codes if not code.startswith(ignored))
        return [v for rule in reviewers for v in rule.review(source, findings, enabled)]


def timed_out(path: str, config: Config) -> InternalError:
    """What is said of a file whose analysis ran over ``max-file-seconds``."""
    return InternalError(
        path,
        1,
        f"not checked: the analysis took longer than max-file-seconds "
        f"({config.max_file_seconds:g} s); raise it in [tool.errguard] or exclude the file",
    )


def parse_error(path: str, exc: SourceError) -> Violation:
    return Violation(
        code=PARSE_ERROR_CODE,
        message=get_rule(PARSE_ERROR_CODE).message.format(reason=exc.reason),
        line=exc.line,
        column=exc.column,
        end_line=exc.line,
        end_column=exc.column,
        path=path,
    )


@functools.cache
def _child_fields(node_type: type[ast.AST]) -> tuple[str, ...]:
    return tuple(name for name in node_type._fields if name not in _SKIPPED_FIELDS)


@functools.cache
def _statement_fields(node_type: type[ast.AST]) -> tuple[str, ...]:
    if not issubclass(node_type, _STATEMENT_LEVEL):
        return ()
    return tuple(name for name in _STATEMENT_FIELDS if name in node_type._fields)


def _walk(
    tree: ast.AST, plan: _Plan, ctx: FileContext, on_error: Callable[[InternalError], None]
) -> None:
    """Pre-order walk; iterative so that deeply nested files cannot exhaust the C stack."""
    node_base = ast.AST
    dispatch, fields_of = plan.dispatch, plan.fields_of
    stack: list[ast.AST] = [tree]
    pop, push = stack.pop, stack.append
    until_clock = _NODES_PER_CLOCK_READ
    while stack:
        until_clock -= 1
        if not until_clock:
            until_clock = _NODES_PER_CLOCK_READ
            check_time()  # where no timer signal can stop a runaway file
        node = pop()
        node_type = type(node)
        visitors = dispatch.get(node_type)
        if visitors is not None:
            for visit in visitors:
                try:
                    visit(node, ctx)
                except RecursionError:
                    _too_deep(visit, node, ctx)
                except Exception as exc:  # a rule bug must not stop the other files
                    on_error(_describe_crash(visit, node, ctx, exc))
        for name in fields_of(node_type):
            value = getattr(node, name, None)
            if type(value) is list:
                for item in reversed(value):
                    if isinstance(item, node_base):
                        push(item)
            elif isinstance(value, node_base):
                push(value)


def _too_deep(visit: Visitor, node: ast.AST, ctx: FileContext) -> None:
    """Input nested beyond what a rule can follow is reported on the file, like a parse error."""
    code = getattr(getattr(visit, "__self__", None), "code", "?")
    reason = f"expression too deeply nested to analyse ({code} skipped here)"
    ctx.add(PARSE_ERROR_CODE, get_rule(PARSE_ERROR_CODE).message.format(reason=reason), node)


def _describe_crash(
    visit: Visitor, node: ast.AST, ctx: FileContext, exc: Exception
) -> InternalError:
    owner = getattr(visit, "__self__", None)
    code = getattr(owner, "code", "?")
    line = getattr(node, "lineno", 1)
    return InternalError(ctx.path, line, f"internal error in {code}: {type(exc).__name__}: {exc}")
