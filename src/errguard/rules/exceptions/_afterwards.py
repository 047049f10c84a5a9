"""A handler that lets the code reach a statement that deals with the failed attempt (EG402).

Passing is not swallowing when what follows the ``try`` checks the attempt's subject, replaces
its empty result by a fallback, or answers the question the general way; nor when the ``try``
only tests a loop's candidate, so that failing rejects it and the loop goes on to the next.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping

from errguard.astutil import dotted_name, walk_statements
from errguard.rules.exceptions._fallbacks import HandlerSite
from errguard.rules.exceptions._values import WORD, computed, empty, produced_in, writes

# Calls that show text to whoever runs the code (``print``, ``console.print``, ``click.echo``).
_OUTPUT_CALLS = frozenset({"print", "echo", "secho"})
# Calls that test whether an attempt worked (``check_tmp_dir(path)``, ``os.path.isdir(path)``).
_CHECK_WORDS = frozenset({"check", "verify", "validate", "exists"})
_PATH_TESTS = frozenset({"isdir", "isfile", "is_dir", "is_file"})
# Words of a function named as a question (``dir_is_writable``, ``has_space``, ``can_bind``).
_QUESTION_WORDS = frozenset({"is", "has", "can"})


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
      ``return super().default(o)``) or another way (``if event.logo: return
      FileResponse(event.logo)``).
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
            isinstance(stmt, ast.Assign) and empty(stmt.value)
        ):
            return False
    if not isinstance(following, ast.If):
        return False
    produced = produced_in(site.statement.body)
    tested = {ast.unparse(node) for node in _emptiness_tests(following.test)}
    refilled = produced_in(following.body)
    # Creating what the failed read did not return is how duplicates are made.
    creates_rows = any(
        isinstance(node, ast.Call) and writes(node) for node in walk_statements(following.body)
    )
    return bool(tested & produced & refilled) and not creates_rows


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
        and empty(test.comparators[0])
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
    if attempt is site.statement:
        return False
    # Another way to answer (``if event.logo: return FileResponse(event.logo)``) also counts.
    if isinstance(attempt, ast.If) and not attempt.orelse:
        attempt = attempt.body[-1]
    return (
        isinstance(attempt, ast.Return)
        and attempt.value is not None
        and computed(attempt.value, imports)
    )


def _shortcut(body: list[ast.stmt]) -> bool:
    """``return answer``, or ``if test: ... return answer`` after the assignments that
    compute what it tests (``image = self.get_image()``): a way to answer early."""
    *computing, stmt = body
    if not all(isinstance(step, ast.Assign) for step in computing):
        return False
    if isinstance(stmt, ast.If) and not stmt.orelse:
        stmt = stmt.body[-1]
    return isinstance(stmt, ast.Return)


def _passes(handler: ast.ExceptHandler) -> bool:
    return all(isinstance(stmt, ast.Pass) for stmt in handler.body)


def picks_candidate(site: HandlerSite) -> bool:
    """The ``try`` sits in a ``for`` loop and only asks questions of the loop's current item
    (``candidate.exists() and dir_is_writable(candidate)``: calls named as tests, on the item
    or given it) to pick it (``found = candidate``, ``return candidate``), and the handler
    moves on: a test that fails rejects the item just as one that answers no, an outcome the
    code around the loop already has to allow for. A test that acts (``if charge(order):``)
    or a pick that does more than keep the item is still reported."""
    statement = site.statement
    if not all(isinstance(stmt, (ast.Pass, ast.Continue)) for stmt in site.handler.body):
        return False
    loop = next((node for node in reversed(site.enclosing) if isinstance(node, ast.For)), None)
    if loop is None or not isinstance(loop.target, ast.Name) or statement.orelse:
        return False
    item = loop.target.id
    if len(statement.body) != 1 or not isinstance(statement.body[0], ast.If):
        return False
    test = statement.body[0]
    if test.orelse or not all(_keeps(stmt, item) for stmt in test.body):
        return False
    calls = [node for node in ast.walk(test.test) if isinstance(node, ast.Call)]
    return bool(calls) and all(_asks(call, item) for call in calls)


def _keeps(stmt: ast.stmt, item: str) -> bool:
    """``found = item``, ``return item`` or ``break``: the pick keeps the item, nothing more."""
    if isinstance(stmt, ast.Break):
        return True
    if isinstance(stmt, ast.Assign):
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            return False
    elif not isinstance(stmt, ast.Return):
        return False
    return isinstance(stmt.value, ast.Name) and stmt.value.id == item


def _asks(call: ast.Call, item: str) -> bool:
    """A call named as a test, of ``item`` (``item.exists()``) or given ``item`` with nothing
    but constants and names beside it (``dir_is_writable(item)``)."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else dotted_name(call.func)
    words = {word.lower() for word in WORD.findall(name or "")}
    if not _names_check(call) and words.isdisjoint(_QUESTION_WORDS):
        return False
    arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
    if not all(isinstance(arg, (ast.Name, ast.Constant)) for arg in arguments):
        return False
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    return any(isinstance(node, ast.Name) and node.id == item for node in (receiver, *arguments))


def _names_check(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else dotted_name(call.func)
    words = {word.lower() for word in WORD.findall(name or "")}
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


def only_shown(site: HandlerSite) -> bool:
    """The handler sets constants (``remote = False``) that the code then only prints, inside
    an f-string (``print(f"FS_REMOTE={remote}")``): a diagnostic line, not a result that is
    stored, returned or acted upon."""
    names: set[str] = set()
    for stmt in site.handler.body:
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Constant)
        ):
            return False
        names.add(stmt.targets[0].id)
    scope = site.function.body if site.function is not None else []
    after = (site.statement.end_lineno or site.statement.lineno) + 1
    uses = [
        node
        for node in walk_statements(scope)
        if isinstance(node, ast.Name)
        and isinstance(node.ctx, ast.Load)
        and node.id in names
        and node.lineno >= after
    ]
    shown = {id(node) for node in _printed_names(scope)}
    return bool(uses) and all(id(node) in shown for node in uses)


def _printed_names(scope: list[ast.stmt]) -> Iterator[ast.Name]:
    aliases = {
        target.id
        for stmt in walk_statements(scope)
        if isinstance(stmt, ast.Assign)
        and isinstance(stmt.value, ast.Attribute)
        and stmt.value.attr in _OUTPUT_CALLS
        for target in stmt.targets
        if isinstance(target, ast.Name)
    }
    for stmt in walk_statements(scope):
        if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
            continue
        func = stmt.value.func
        name = func.attr if isinstance(func, ast.Attribute) else dotted_name(func) or ""
        if name not in _OUTPUT_CALLS and name not in aliases:
            continue
        for argument in stmt.value.args:
            for value in ast.walk(argument):
                if isinstance(value, ast.FormattedValue):
                    yield from (n for n in ast.walk(value) if isinstance(n, ast.Name))
