"""What a call tells about the parameters of the function it runs, and the branches that
follow from it (EG101 following a loop's row into the project's functions).

``credit(book)`` for ``def credit(book, full=False)`` leaves ``full`` False, so the body under
``if full:`` does not run; ``copy(page, target_site=site)`` passes a site, so the body under
``if target_site is None:`` does not either (passing an argument says "use this"; the None of
a default means "work it out").
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping

from errguard.project.functions import Function


def bound_arguments(function: Function, call: ast.Call) -> Iterator[tuple[str, ast.expr]]:
    """(parameter, argument) pairs of a call; a method's ``self`` is the receiver."""
    parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    method = isinstance(call.func, ast.Attribute) and parameters[:1] in (["self"], ["cls"])
    if method:
        parameters = parameters[1:]
    yield from zip(parameters, call.args, strict=False)
    keyword_names = {a.arg for a in (*function.args.args, *function.args.kwonlyargs)}
    for keyword in call.keywords:
        if keyword.arg in keyword_names:
            yield keyword.arg, keyword.value


class _Given:
    """A parameter the call passes something other than a literal for."""

    def __repr__(self) -> str:
        return "GIVEN"


GIVEN = _Given()


def known_values(
    function: Function, call: ast.Call, outer: Mapping[str, object]
) -> tuple[tuple[str, object], ...]:
    """What the call settles of each parameter: a literal it passes (or a known parameter of
    the caller), the default of one it leaves out, or ``GIVEN`` for another argument."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return ()  # *args/**kwargs: any parameter may be passed
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults = zip(
        positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True
    )
    pairs = [*defaults, *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)]
    known: dict[str, object] = {
        argument.arg: default.value
        for argument, default in pairs
        if isinstance(default, ast.Constant)
    }
    for parameter, value in bound_arguments(function, call):
        if isinstance(value, ast.Constant):
            known[parameter] = value.value
        elif isinstance(value, ast.Name) and value.id in outer:
            known[parameter] = outer[value.id]
        else:
            known[parameter] = GIVEN
    return tuple(sorted(known.items()))


def taken(stmts: Iterable[ast.stmt], known: Mapping[str, object]) -> Iterator[ast.stmt]:
    """The statements that run, as far as the known parameters tell: the branch an ``if`` on
    one of them takes, and nothing after a taken branch that returns or raises."""
    for stmt in stmts:
        truth = _truth(stmt.test, known) if isinstance(stmt, ast.If) else None
        if truth is None:
            yield stmt
            continue
        assert isinstance(stmt, ast.If)
        branch = stmt.body if truth else stmt.orelse
        yield from taken(branch, known)
        if branch and isinstance(branch[-1], (ast.Return, ast.Raise)):
            return


def _truth(test: ast.expr, known: Mapping[str, object]) -> bool | None:
    """Whether ``test`` holds, from the known parameters; None when they do not tell.

    A parameter the call passes an expression for is taken not to be None: passing it says
    "use this" (``target_site=to_site``), the None of a default means "work it out".
    """
    if isinstance(test, ast.Name):
        value = known.get(test.id, GIVEN)
        return None if value is GIVEN else bool(value)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _truth(test.operand, known)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        values = [_truth(value, known) for value in test.values]
        decisive = isinstance(test.op, ast.Or)  # True decides an or, False an and
        if decisive in values:
            return decisive
        return None if None in values else not decisive
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id in known
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Is, ast.IsNot))
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        value = known[test.left.id]
        is_none = value is None
        return is_none if isinstance(test.ops[0], ast.Is) else not is_none
    return None
