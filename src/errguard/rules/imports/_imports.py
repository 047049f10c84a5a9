"""Shared by EG501/EG502: where a cycle's import sits in the file, what to advise, how to fix.

The fix for EG501 is decided here, from the file's own tree:

- ``type-checking`` when every name the import binds is read only in annotations: the import
  moves under ``if TYPE_CHECKING:``. Safe, unless something in the module may evaluate
  annotations at run time (decorators that are not known to leave them alone, class-level
  annotations on classes other than plain classes, dataclasses and Django models,
  ``get_type_hints``/``__annotations__``/``signature``): then unsafe.
- ``defer`` when the names are read only inside module-level functions and methods: the import
  moves into each of them. Unsafe: the import (and its side effects) now runs on first call.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from typing import Any

from errguard.astutil import dotted_name, last_part
from errguard.detect.context import FileContext
from errguard.models import Applicability
from errguard.project.imports.cycles import Cut, CycleFinding
from errguard.project.imports.facts import IMPORT_TIME, ImportStatement, ModuleFacts, extract
from errguard.project.imports.graph import edge_targets
from errguard.project.imports.usage import ANNOTATION, FUNCTION
from errguard.project.reads import record
from errguard.rules.imports._readers import reader_of

# Decorators known not to read the annotations of what they decorate.
_INERT_DECORATORS = frozenset(
    {"property", "staticmethod", "classmethod", "cached_property", "abstractmethod", "setter",
     "getter", "deleter", "cache", "lru_cache", "wraps", "overload", "override", "final",
     "contextmanager", "asynccontextmanager", "atomic", "login_required", "receiver",
     "permission_required", "display", "dataclass"}
)  # fmt: skip
# Base classes whose subclasses may hold annotations without anything evaluating them.
_INERT_BASES = frozenset({"object", "Protocol", "Generic", "ABC", "Model", "NamedTuple"})
_READS_ANNOTATIONS = frozenset({"get_type_hints", "__annotations__", "signature"})
Fix = tuple[Applicability | bool, dict[str, Any]]


def import_at(tree: ast.Module, line: int) -> ast.Import | ast.ImportFrom | None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and node.lineno == line:
            return node
    return None


def advice(cut: Cut | None) -> str:
    if cut is None:
        return "move one of these imports into the function that needs it"
    step = cut.step
    uses = set(cut.uses)
    if uses == {ANNOTATION}:
        detail = "used only in annotations: import it under `if TYPE_CHECKING:`"
    elif uses and uses <= {ANNOTATION, FUNCTION}:
        detail = "used only inside functions: import it there"
    elif not uses:
        detail = "nothing there reads what it imports"
    elif not cut.used:
        detail = "it re-exports what it imports"
    else:
        detail = f"{cut.used} name{'s' if cut.used != 1 else ''} used"
    return f"cut {step.module}:{step.line} → {step.target} ({detail})"


def module_facts(ctx: FileContext) -> ModuleFacts:
    found = ctx.cache.get("import_facts")
    if not isinstance(found, ModuleFacts):
        found = extract(ctx.tree, ctx.module, is_package=ctx.is_package)
        ctx.cache["import_facts"] = found
    return found


def fix_for(ctx: FileContext, finding: CycleFinding, node: ast.stmt) -> Fix:
    """The fix for this finding's import (``False`` when there is none)."""
    record("importers", ctx.module)  # a fix that moves an import must not break a reader
    facts = module_facts(ctx)
    statements = [s for s in facts.statements if s.line == node.lineno and s.kind == IMPORT_TIME]
    if not _movable(ctx, finding, node, facts, statements):
        return False, {}
    uses = {use for statement in statements for use in statement.uses}
    bound = {name for statement in statements for name in statement.bound}
    if reader_of(ctx.project.imports, ctx.module, bound) is not None:
        return False, {}  # another module imports the name from here: moving it breaks that one
    if uses == {ANNOTATION}:
        tier = Applicability.UNSAFE if _evaluates_annotations(ctx.tree) else Applicability.SAFE
        return tier, _type_checking_data(ctx, node, facts)
    allowed = {FUNCTION, ANNOTATION} if facts.future_annotations else {FUNCTION}
    if FUNCTION in uses and uses <= allowed:
        anchors = _function_anchors(ctx, bound)
        if anchors:
            return Applicability.UNSAFE, {
                "action": "defer",
                "line": node.lineno,
                "anchors": anchors,
                "title": "Move the import into the functions that use it",
            }
    return False, {}


def _movable(
    ctx: FileContext,
    finding: CycleFinding,
    node: ast.stmt,
    facts: ModuleFacts,
    statements: Sequence[ImportStatement],
) -> bool:
    """A module-level import alone on its lines, whose removal takes the cycle's edge away."""
    if ctx.is_package or not statements or not _alone_at_top(ctx.tree, node):
        return False
    if any("*" in statement.names for statement in statements):
        return False
    target = finding.step.target
    known = ctx.project.imports.modules
    return not any(
        target in edge_targets(ctx.module, s.module, s.names, s.is_from, known)
        for s in facts.statements
        if s.kind == IMPORT_TIME and s.line != node.lineno
    )


def _alone_at_top(tree: ast.Module, node: ast.stmt) -> bool:
    body = tree.body
    if node not in body:
        return False
    index = body.index(node)
    before = body[index - 1].end_lineno or 0 if index else 0
    after = body[index + 1].lineno if index + 1 < len(body) else None
    return before < node.lineno and (after is None or after > (node.end_lineno or node.lineno))


def _type_checking_data(ctx: FileContext, node: ast.stmt, facts: ModuleFacts) -> dict[str, Any]:
    test, add_typing = _type_checking_name(ctx)
    body = ctx.tree.body
    block = next(
        (
            s.lineno
            for s in body
            if isinstance(s, ast.If) and not s.orelse and ast.unparse(s.test) == test
        ),
        0,
    )
    return {
        "action": "type-checking",
        "line": node.lineno,
        "test": test,
        "add_typing": add_typing,
        "block": block,
        "anchor": _last_leading_import(body, node),
        "add_future": not facts.future_annotations,
        "first": next(s.lineno for s in body if not _is_docstring(s) and not _is_future(s)),
        "title": "Move the import under `if TYPE_CHECKING:`",
    }


def _type_checking_name(ctx: FileContext) -> tuple[str, bool]:
    """How this module can spell ``TYPE_CHECKING``, and whether it must import it first."""
    for local, qualified in sorted(ctx.imports.items()):
        if qualified == "typing.TYPE_CHECKING":
            return local, False
    for local, qualified in sorted(ctx.imports.items()):
        if qualified == "typing":
            return f"{local}.TYPE_CHECKING", False
    return "TYPE_CHECKING", True


def _last_leading_import(body: Sequence[ast.stmt], node: ast.stmt) -> int:
    """The last import of the module's opening block of imports: the new block goes after it."""
    last = node.lineno
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            last = statement.lineno
        elif not (_is_docstring(statement) or isinstance(statement, (ast.If, ast.Try))):
            break
    return last


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _is_future(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.ImportFrom) and statement.module == "__future__"


def _evaluates_annotations(tree: ast.Module) -> bool:
    """Whether something in the module may read annotations at run time."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.Attribute)):
            if last_part(dotted_name(node)) in _READS_ANNOTATIONS:
                return True
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if _has_annotations(node) and not _inert(node.decorator_list):
                return True
        elif isinstance(node, ast.ClassDef) and any(
            isinstance(s, ast.AnnAssign) for s in node.body
        ):
            bases = {last_part(dotted_name(_unsubscripted(base))) for base in node.bases}
            if not bases <= _INERT_BASES or not _inert(node.decorator_list):
                return True
    return False


def _has_annotations(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    arguments = node.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
    return node.returns is not None or any(arg.annotation is not None for arg in every)


def _inert(decorators: Sequence[ast.expr]) -> bool:
    return all(
        last_part(dotted_name(d.func if isinstance(d, ast.Call) else d)) in _INERT_DECORATORS
        for d in decorators
    )


def _unsubscripted(node: ast.expr) -> ast.expr:
    return node.value if isinstance(node, ast.Subscript) else node


def _function_anchors(ctx: FileContext, bound: set[str]) -> list[list[int]]:
    """The first statement of each module-level function or method reading ``bound`` names,
    or nothing when a name is also read anywhere else."""
    reads = _reads(ctx.tree, bound)
    anchors = []
    for function in _functions(ctx.tree):
        # Body statements are contiguous, so a read lies in the body exactly when its position
        # does (decorators, defaults and annotations lie outside it).
        first, last = function.body[0], function.body[-1]
        start, end = (first.lineno, first.col_offset), (last.end_lineno, last.end_col_offset)
        outside = [n for n in reads if not start <= (n.lineno, n.col_offset) < end]
        if len(outside) == len(reads):
            continue
        reads = outside
        body = function.body[1:] if _is_docstring(first) else function.body
        if not body or isinstance(body[0], (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return []
        anchors.append(list(ctx.span(body[0])[:2]))
    return [] if reads else anchors


def _reads(tree: ast.Module, names: set[str]) -> list[ast.Name]:
    """Run-time reads of ``names``: every load outside annotations."""
    annotations: set[int] = set()
    loads: list[ast.Name] = []
    for node in ast.walk(tree):
        for annotation in _annotations_of(node):
            annotations.update(id(child) for child in ast.walk(annotation))
        if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load):
            loads.append(node)
    return [node for node in loads if id(node) not in annotations]


def _annotations_of(node: ast.AST) -> Iterator[ast.expr]:
    if isinstance(node, ast.arg) and node.annotation is not None:
        yield node.annotation
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
        yield node.returns
    elif isinstance(node, ast.AnnAssign):
        yield node.annotation


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield statement
        elif isinstance(statement, ast.ClassDef):
            yield from (
                s for s in statement.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
            )


def report_cycles(rule: Any, ctx: FileContext, code: str, *, fixable: bool) -> None:
    """Report this module's findings of ``code`` on their import statements."""
    for finding in ctx.import_cycles.findings(ctx.module, code):
        node = import_at(ctx.tree, finding.line)
        if node is None:
            continue
        fix, fix_data = fix_for(ctx, finding, node) if fixable else (False, {})
        rule.report(
            ctx,
            node,
            fix=fix,
            fix_data=fix_data,
            chain=finding.chain,
            entry=finding.entry,
            reason=finding.reason,
            advice=advice(finding.cut),
        )
