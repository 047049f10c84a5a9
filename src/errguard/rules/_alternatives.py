"""Handlers that keep the result meaningful without the failed step (EG402).

A broad handler swallows silently when the caller is left with a half-done operation and no
trace. These checks read the cases where the code makes that impossible or records it: the
handler falls back to a value the ``try`` itself accepts, reaches the same result another way
(whose own failure propagates), counts the failure where failures are kept, or lets the code
reach a statement that deals with the failed attempt.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping

from errguard.astutil import dotted_name, walk_statements
from errguard.rules._fallbacks import HandlerSite
from errguard.rules._handlers import handler_is_silent

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
# Calls that build an empty result: a fallback made of them says nothing was found.
_EMPTY_MAKERS = frozenset({"dict", "list", "set", "tuple", "str", "frozenset", "none"})
# Model and queryset methods that write rows.
_WRITES = frozenset(
    {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "save", "delete"}
)
# Collections where items are put (``failed.append(item)``), and the words that name a
# collection or counter of failures (``stats["errors"] += 1``, ``self.failed_count += 1``).
_COLLECTING = frozenset({"append", "add", "extend", "update", "setdefault", "insert"})
_FAILURE_WORDS = frozenset(
    {"error", "errors", "fail", "failed", "fails", "failure", "failures", "exception", "exceptions"}
)
# Calls that test whether an attempt worked (``check_tmp_dir(path)``, ``os.path.isdir(path)``).
_CHECK_WORDS = frozenset({"check", "verify", "validate", "exists"})
_PATH_TESTS = frozenset({"isdir", "isfile", "is_dir", "is_file"})
# Expressions that build a value from other values (an f-string, a comprehension).
_BUILT_FROM_DATA = (ast.FormattedValue, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def keeps_accepted_value(site: HandlerSite) -> bool:
    """The handler sets the target to a value the ``try`` itself settles for: the default of
    its ``compute() or config.TMP_DIR`` or of its ``config.get(key)``, or the start of a chain
    of methods that only change how the value is written (``path.resolve()`` falls back to
    ``path``). The result stays a value the code already accepts, so the failure loses
    nothing the normal path could not."""
    if len(site.handler.body) != 1:
        return False
    fallback_stmt = site.handler.body[0]
    fallback = _assigned_value(fallback_stmt)
    if fallback is None:
        return False
    wanted = ast.unparse(_unconverted(fallback))
    targets = _produced(site.statement.body)
    if _produces(fallback_stmt) - targets:
        return False
    return any(
        ast.unparse(candidate) == wanted
        for stmt in site.statement.body
        if (value := _assigned_value(stmt)) is not None
        for candidate in _accepted_values(value)
    )


def computes_alternative(site: HandlerSite, imports: Mapping[str, str]) -> bool:
    """Every statement of the handler produces what the ``try`` produces (the same variables,
    the return value, the same call) by another computation, outside any silent ``try``:
    ``totals = qs.aggregate(...)`` falling back to ``qs.count()``, JSON falling back to a
    comma-separated list. The operation still completes, and if the other way fails too, that
    error propagates. Constant or empty fallbacks (``""``, ``{}``, ``qs.none()``), and handlers
    that do anything else (a branch, a save), are not alternatives."""
    produced = _produced(site.statement.body)
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
        outputs = _produces(stmt)
        value = _assigned_value(stmt)
        if isinstance(stmt, ast.Expr):
            value = stmt.value
        if not outputs or outputs - produced or value is None or not _computed(value, imports):
            return False
    return True


def handled_after(site: HandlerSite, imports: Mapping[str, str]) -> bool:
    """The statement after the ``try`` deals with a failed attempt, so the handler only has to
    let the code reach it:

    - it checks the value the ``try`` worked on (``create_dir(path)``, then
      ``if check_dir(path):``);
    - it replaces an empty result by a fallback (``names = []`` in the handler, then
      ``if not names: names = defaults()``);
    - the ``try`` was a shortcut (``if proc.status() == ZOMBIE: return False``), or one of a
      chain of attempts (``try: return list(o)``, then ``try: return str(o)``), and the
      function then answers the question the general way (``return proc.is_running()``,
      ``return super().default(o)``).
    """
    if _answers_anyway(site, imports):
        return True
    following = _next_statement(site, site.statement)
    return following is not None and (
        _checks_subject(site, following) or _fills_empty(site, following)
    )


def _checks_subject(site: HandlerSite, following: ast.stmt) -> bool:
    body = site.statement.body
    if len(body) != 1 or not isinstance(body[0], ast.Expr) or not _passes(site.handler):
        return False
    attempt = body[0].value
    if not isinstance(attempt, ast.Call) or not attempt.args:
        return False
    if not isinstance(following, (ast.If, ast.Assert, ast.While)):
        return False
    subject = ast.unparse(attempt.args[0])
    return any(
        isinstance(node, ast.Call)
        and _names_check(node)
        and subject in {ast.unparse(arg) for arg in node.args}
        for node in ast.walk(following.test)
    )


def _fills_empty(site: HandlerSite, following: ast.stmt) -> bool:
    for stmt in site.handler.body:
        if not isinstance(stmt, ast.Pass) and not (
            isinstance(stmt, ast.Assign) and _empty(stmt.value)
        ):
            return False
    if not isinstance(following, ast.If):
        return False
    produced = _produced(site.statement.body)
    tested = {ast.unparse(node) for node in _emptiness_tests(following.test)}
    refilled = _produced(following.body)
    # Creating what the failed read did not return is how duplicates are made.
    writes = any(
        isinstance(node, ast.Call) and _writes(node) for node in walk_statements(following.body)
    )
    return bool(tested & produced & refilled) and not writes


def _emptiness_tests(test: ast.expr) -> Iterator[ast.expr]:
    """``x`` of ``not x``, ``x is None`` and ``x == ""``, also inside an ``and``."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        for value in test.values:
            yield from _emptiness_tests(value)
    elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        yield test.operand
    elif (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Is, ast.Eq))
        and _empty(test.comparators[0])
    ):
        yield test.left


def _answers_anyway(site: HandlerSite, imports: Mapping[str, str]) -> bool:
    attempt: ast.stmt | None = site.statement
    while (
        isinstance(attempt, ast.Try)
        and _shortcut(attempt.body)
        and all(_passes(handler) for handler in attempt.handlers)
    ):
        attempt = _next_statement(site, attempt)
    return (
        attempt is not site.statement
        and isinstance(attempt, ast.Return)
        and attempt.value is not None
        and _computed(attempt.value, imports)
    )


def _shortcut(body: list[ast.stmt]) -> bool:
    """``return answer``, or ``if test: ... return answer``: a way to answer early."""
    if len(body) != 1:
        return False
    stmt = body[0]
    if isinstance(stmt, ast.If) and not stmt.orelse:
        stmt = stmt.body[-1]
    return isinstance(stmt, ast.Return)


def _passes(handler: ast.ExceptHandler) -> bool:
    return all(isinstance(stmt, ast.Pass) for stmt in handler.body)


def _empty(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return not value.value
    if isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
        return not (value.keys if isinstance(value, ast.Dict) else value.elts)
    return isinstance(value, ast.Call) and _makes_empty(value)


def _names_check(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else dotted_name(call.func)
    words = {word.lower() for word in _WORD.findall(name or "")}
    return not words.isdisjoint(_CHECK_WORDS) or (name or "").rsplit(".", 1)[-1] in _PATH_TESTS


def _next_statement(site: HandlerSite, node: ast.stmt) -> ast.stmt | None:
    """The statement that runs after ``node`` (the site's ``try`` or a statement beside it)
    completes: the next one in its block, or, at the end of an ``if``/``with`` block, the
    next one after that block (not after a loop's body, whose next step is the next
    iteration)."""
    parents: list[ast.AST] = [*reversed(site.enclosing)]
    if site.function is not None:
        parents.append(site.function)
    for parent in parents:
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and node in block:
                index = block.index(node)
                if index + 1 < len(block):
                    following: ast.stmt = block[index + 1]
                    return following
        if not isinstance(parent, (ast.If, ast.With, ast.AsyncWith)):
            return None
        node = parent
    return None


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
    words = {word.lower() for name in names for word in _WORD.findall(name)}
    return not words.isdisjoint(_FAILURE_WORDS)


def _assigned_value(stmt: ast.stmt) -> ast.expr | None:
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Return)):
        return stmt.value
    return None


def _produces(stmt: ast.stmt) -> set[str]:
    """What a statement hands on: the names it binds, ``return``, or the call it makes."""
    if isinstance(stmt, ast.Return):
        return {"return"}
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return {"call " + ast.unparse(stmt.value.func)}
    targets = (
        stmt.targets
        if isinstance(stmt, ast.Assign)
        else [stmt.target]
        if isinstance(stmt, ast.AnnAssign)
        else []
    )
    return {ast.unparse(node) for target in targets for node in _bound(target)}


def _bound(target: ast.expr) -> Iterator[ast.expr]:
    if isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _bound(element)
    elif isinstance(target, ast.Starred):
        yield from _bound(target.value)
    elif not (isinstance(target, ast.Name) and target.id == "_"):
        yield target


def _produced(stmts: list[ast.stmt]) -> set[str]:
    produced: set[str] = set()
    for node in walk_statements(stmts):
        if isinstance(node, ast.stmt):
            produced |= _produces(node)
    return produced


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


def _computed(value: ast.expr, imports: Mapping[str, str]) -> bool:
    """A value worked out from data, not a constant, a bare default or an empty result, and
    not a write: creating the row the ``try`` failed to read is another operation, and the
    classic way to end up with duplicates."""
    nodes = list(ast.walk(value))
    if any(isinstance(node, ast.Call) and _writes(node) for node in nodes):
        return False
    for node in nodes:
        if isinstance(node, _BUILT_FROM_DATA):
            return True
        if isinstance(node, ast.Call) and not _makes_empty(node) and not _constant(node, imports):
            return True
    return False


def _constant(call: ast.Call, imports: Mapping[str, str]) -> bool:
    """``Decimal("0")``, ``timedelta(0)``: a function of the code's own, or of an imported
    module, called with constants only; a method of data (``text.split(",")``) is not."""
    arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
    if not arguments or not all(isinstance(argument, ast.Constant) for argument in arguments):
        return False
    root = call.func
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and (root is call.func or root.id in imports)


def _writes(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in _WRITES


def _makes_empty(call: ast.Call) -> bool:
    name = dotted_name(call.func) or ""
    return not call.args and not call.keywords and name.rsplit(".", 1)[-1] in _EMPTY_MAKERS
