"""What an ``except`` handler does with the exception it caught, shared by EG401 and EG402."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Collection, Iterator, Mapping

from errguard.astutil import SCOPE_NODES, dotted_name, last_part, qualified_name

BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException"})
LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
# Calls that hand the error to a human or an error tracker, by the last part of their name.
REPORTER_NAMES = frozenset(
    {
        "print",
        "print_exc",
        "print_exception",
        "print_tb",
        "print_stack",
        "format_exc",
        "format_exception",
        "exc_info",
        "capture_exception",
        "captureException",
        "capture_message",
        "captureMessage",
        "report_exc_info",
        "notice_error",
        "record_exception",
    }
)
# Words that, in the name of a function called from a handler, mean the error is being handled
# or recorded somewhere (``self._handle_error()``, ``mark_failed()``, ``notify_admins()``).
_HANDLING_WORDS = frozenset(
    {
        "log",
        "logger",
        "logging",
        "report",
        "error",
        "errors",
        "exception",
        "fail",
        "failed",
        "failure",
        "alert",
        "notify",
        "warn",
        "warning",
        "capture",
        "sentry",
    }
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
# Calls that never return normally: the handler does not swallow when it reaches one.
TERMINATORS = frozenset(
    {"sys.exit", "os._exit", "exit", "quit", "pytest.fail", "pytest.skip", "pytest.xfail"}
)
_SELF_TERMINATORS = frozenset({"fail", "skipTest"})
_DEBT_MARKER = re.compile(r"\b(TODO|FIXME|XXX|HACK)\b", re.IGNORECASE)
_DIRECTIVE = re.compile(r"^#\s*(noqa|pylint|type:|pragma|nosec|fmt:|isort)", re.IGNORECASE)
_PYLINT_DISABLE = re.compile(r"pylint:\s*disable(?:-next)?\s*=\s*([\w\-, ]+)")
_NOQA_CODES = re.compile(r"#\s*noqa\s*:\s*([A-Z0-9, ]+)", re.IGNORECASE)


def handler_statements(handler: ast.ExceptHandler) -> Iterator[ast.AST]:
    """Nodes of the handler's own code: not nested defs, not nested handlers' bodies.

    A nested handler deals with a different exception, so what it does (a log call, a bare
    ``raise``) says nothing about the exception this handler caught.
    """
    stack: list[ast.AST] = list(reversed(handler.body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, SCOPE_NODES):
            continue
        children = [
            child
            for child in ast.iter_child_nodes(node)
            if not isinstance(child, ast.ExceptHandler)
        ]
        stack.extend(reversed(children))


def has_bare_raise(handler: ast.ExceptHandler) -> bool:
    return any(
        isinstance(node, ast.Raise) and node.exc is None for node in handler_statements(handler)
    )


def broad_type_nodes(handler: ast.ExceptHandler) -> list[ast.expr]:
    """The ``Exception``/``BaseException`` names in the handler's type (also inside a tuple)."""
    if handler.type is None:
        return []
    candidates = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return [
        node
        for node in candidates
        if (name := dotted_name(node)) is not None
        and name.removeprefix("builtins.") in BROAD_EXCEPTIONS
    ]


def handler_is_silent(
    handler: ast.ExceptHandler,
    imports: Mapping[str, str],
    extra_reporters: Collection[str] = (),
) -> bool:
    """True when the handler neither raises, nor reports, nor looks at the exception."""
    bound = handler.name
    for node in handler_statements(handler):
        if isinstance(node, ast.Raise):
            return False
        if bound and isinstance(node, ast.Name) and node.id == bound:
            return False
        if isinstance(node, ast.Call) and _call_reports(node, imports, extra_reporters):
            return False
    return True


def _call_reports(call: ast.Call, imports: Mapping[str, str], extra: Collection[str]) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        if func.attr in LOG_METHODS:
            return True
        receiver = dotted_name(func.value) or ""
        if func.attr == "write" and receiver.endswith(("stderr", "stdout")):
            return True
        if receiver in ("self", "cls") and func.attr in _SELF_TERMINATORS:
            return True
    if any(keyword.arg == "exc_info" for keyword in call.keywords):
        return True
    name = qualified_name(func, imports)
    if name is None:
        return False
    short = last_part(name)
    if short in REPORTER_NAMES or name in TERMINATORS or _names_handling(short):
        return True
    return any(name == entry or ("." not in entry and short == entry) for entry in extra)


def _names_handling(function_name: str) -> bool:
    words = {word.lower() for word in _WORD.findall(function_name)}
    return not words.isdisjoint(_HANDLING_WORDS)


def fails_silently_by_design(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A finalizer, or a Django template filter (``@register.filter``, with or without
    arguments): places where swallowing is the documented contract."""
    if function.name == "__del__":
        return True
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = dotted_name(target) or ""
        if name.endswith(".filter") and name.count(".") == 1:
            return True
    return False


def acknowledged(
    line_text: str, noqa_codes: Collection[str], pylint_names: Collection[str]
) -> bool:
    """The line already carries another linter's suppression for the same check.

    ``except Exception:  # noqa: BLE001`` or ``# pylint: disable=broad-except`` records that a
    person decided this handler is fine; flagging it again would only be noise.
    """
    if "#" not in line_text:
        return False
    for match in _NOQA_CODES.finditer(line_text):
        codes = {code.strip().upper() for code in match.group(1).split(",")}
        if codes & set(noqa_codes):
            return True
    for match in _PYLINT_DISABLE.finditer(line_text):
        names = {name.strip() for name in match.group(1).split(",")}
        if names & set(pylint_names):
            return True
    return False


def explained_by_comment(lines: list[str], handler: ast.ExceptHandler) -> bool:
    """A comment in the handler, or right above its ``except``, says why it swallows.

    ``except Exception:  # memcache raises on bad keys; start a new session`` is a decision
    someone made and wrote down, not an accident. TODO/FIXME notes and tool directives do not
    count: they say the opposite, or nothing.
    """
    first, last = handler.lineno, handler.end_lineno or handler.lineno
    comments = _comments(lines[first - 1 : last])
    indent = _indentation(lines[first - 1]) if first <= len(lines) else ""
    above = first - 2
    while above >= 0 and lines[above].strip().startswith("#"):
        if _indentation(lines[above]) == indent:
            comments.append(lines[above].strip())
        above -= 1
    return any(
        not _DEBT_MARKER.search(comment) and not _DIRECTIVE.match(comment) for comment in comments
    )


def _indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _comments(lines: list[str]) -> list[str]:
    text = "".join(lines)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    return [token.string for token in tokens if token.type == tokenize.COMMENT]
