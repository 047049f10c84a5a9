"""Handlers that keep the result meaningful without the failed step (EG402).

A broad handler swallows silently when the caller is left with a half-done operation and no
trace. These checks read the cases where the code makes that impossible or records it: the
handler falls back to a value the ``try`` itself accepts, reaches the same result another way
(whose own failure propagates), or counts the failure where failures are kept.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping

from errguard.astutil import dotted_name, walk_statements
from errguard.rules.exceptions._fallbacks import HandlerSite
from errguard.rules.exceptions._handlers import handler_is_silent
from errguard.rules.exceptions._values import WORD, assigned_value, computed, produced_in, produces

# Single-argument calls that only change the type of a value, not what it denotes.
_CONVERSIONS = frozenset({"str", "Path", "PurePath", "os.fspath", "pathlib.Path"})
# Methods that change how a value is written, not what it denotes (``path.resolve()``,
# ``name.strip()``): without them the value is still the same one. Filters are not among
# them: an unfiltered ``queryset`` is a different, larger answer.
_NORMALISING = frozenset(
    {
        "resolve",
        "expanduser",
        "absolute",
        "relative_to",
        "as_posix",
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "casefold",
        "decode",
        "encode",
        "isoformat",
        "normalize",
    }
)
# Collections where items are put (``failed.append(item)``), and the words that name a
# collection or counter of failures (``stats["errors"] += 1``, ``self.failed_count += 1``).
_COLLECTING = frozenset({"append", "add", "extend", "update", "setdefault", "insert"})
_FAILURE_WORDS = frozenset(
    {"error", "errors", "fail", "failed", "fails", "failure", "failures", "exception", "exceptions"}
)


def keeps_accepted_value(site: HandlerSite) -> bool:
    """The handler sets the target to a value the ``try`` itself settles for: the default of
    its ``compute() or config.TMP_DIR`` or of its ``config.get(key)``, or the start of a chain
    of methods that only change how the value is written (``path.resolve()`` falls back to
    ``path``). The result stays a value the code already accepts, so the failure loses
    nothing the normal path could not."""
    if len(site.handler.body) != 1:
        return False
    fallback_stmt = site.handler.body[0]
    fallback = assigned_value(fallback_stmt)
    if fallback is None:
        return False
    wanted = ast.unparse(_unconverted(fallback))
    targets = produced_in(site.statement.body)
    if produces(fallback_stmt) - targets:
        return False
    return any(
        ast.unparse(candidate) == wanted
        for stmt in site.statement.body
        if (value := assigned_value(stmt)) is not None
        for candidate in _accepted_values(value)
    )


def computes_alternative(site: HandlerSite, imports: Mapping[str, str]) -> bool:
    """Every statement of the handler produces what the ``try`` produces (the same variables,
    the return value, the same call) by another computation, outside any silent ``try``:
    ``totals = qs.aggregate(...)`` falling back to ``qs.count()``, JSON falling back to a
    comma-separated list. The operation still completes, and if the other way fails too, that
    error propagates. Constant or empty fallbacks (``""``, ``{}``, ``qs.none()``), and handlers
    that do anything else (a branch, a save), are not alternatives."""
    produced = produced_in(site.statement.body)
    return bool(site.handler.body) and _alternative_block(site.handler.body, produced, imports)


def _alternative_block(
    stmts: list[ast.stmt], produced: set[str], imports: Mapping[str, str]
) -> bool:
    for stmt in stmts:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(stmt, ast.Try):
            # A nested fallback counts when its own handlers do not swallow silently.
            if not _alternative_block(stmt.body, produced, imports) or any(
                handler_is_silent(handler, imports) for handler in stmt.handlers
            ):
                return False
            continue
        outputs = produces(stmt)
        value = assigned_value(stmt)
        if isinstance(stmt, ast.Expr):
            value = stmt.value
        if not outputs or outputs - produced or value is None or not computed(value, imports):
            return False
    return True


def records_failure(site: HandlerSite) -> bool:
    """The handler counts or collects the failure where failures are kept
    (``stats["errors_encountered"] += 1``, ``failed.append(item)``): whoever reads that
    structure is told."""
    for node in walk_statements(site.handler.body):
        if isinstance(node, ast.AugAssign) and _names_failure(node.target):
            return True
        if isinstance(node, ast.Assign) and any(_names_failure(t) for t in node.targets):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _COLLECTING
            and _names_failure(node.func.value)
        ):
            return True
    return False


def counts_successes(site: HandlerSite) -> bool:
    """The ``try`` counts what worked (``completed += 1``), the handler only skips, and the
    function hands the count on (``return completed``) or asserts on it. Only meaningful in
    test code, where the count meets an assertion; elsewhere the caller sees a number but not
    that, or why, some items failed."""
    if site.function is None or not all(
        isinstance(stmt, (ast.Pass, ast.Continue)) for stmt in site.handler.body
    ):
        return False
    counters = {
        node.target.id
        for node in walk_statements(site.statement.body)
        if isinstance(node, ast.AugAssign)
        and isinstance(node.op, ast.Add)
        and isinstance(node.target, ast.Name)
    }
    checked = {
        child.id
        for node in walk_statements(site.function.body)
        if isinstance(node, ast.Return | ast.Assert)
        for child in ast.walk(node)
        if isinstance(child, ast.Name)
    }
    return bool(counters & checked)


def _names_failure(target: ast.expr) -> bool:
    names: list[str] = []
    while isinstance(target, (ast.Attribute, ast.Subscript)):
        if isinstance(target, ast.Attribute):
            names.append(target.attr)
        elif isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
            names.append(target.slice.value)
        target = target.value
    if isinstance(target, ast.Name):
        names.append(target.id)
    words = {word.lower() for name in names for word in WORD.findall(name)}
    return not words.isdisjoint(_FAILURE_WORDS)


def _accepted_values(value: ast.expr) -> Iterator[ast.expr]:
    """Values the ``try`` itself settles for: the default of an ``or`` and of a mapping's
    ``get(key, default)`` (``None`` without one), and the start of a normalising chain."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "get"
        and len(value.args) in (1, 2)
        and not value.keywords
        # A key, not a query: ``objects.get(Q(...))`` raises for missing and duplicate rows.
        and not isinstance(value.args[0], (ast.Call, ast.BinOp))
    ):
        yield value.args[1] if len(value.args) == 2 else ast.Constant(None)
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        yield _unconverted(value.values[-1])
        value = value.values[0]
    start = _unconverted(value)
    node = start
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _NORMALISING
    ):
        node = _unconverted(node.func.value)
    if node is not start:
        yield node


def _unconverted(node: ast.expr) -> ast.expr:
    while (
        isinstance(node, ast.Call)
        and dotted_name(node.func) in _CONVERSIONS
        and len(node.args) == 1
        and not node.keywords
    ):
        node = node.args[0]
    return node
