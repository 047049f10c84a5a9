"""Where exception text flows inside one function, for EG404.

A small may-analysis over structured control flow: the state is the set of local names that
hold a caught exception (``exceptions``) or text derived from one (``texts``). Branches are
analysed separately and merged by union, so a name counts as leaking when *some* path leaks it.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from errguard.astutil import SCOPE_NODES, dotted_name, last_part, qualified_name, walk_scope
from errguard.rules.exceptions._input_errors import describes_input
from errguard.rules.exceptions._own_messages import FunctionLookup, catches_own_message

# Exceptions whose text is written for the user of the API, not for developers.
_USER_FACING = frozenset(
    {
        "Http404",
        "PermissionDenied",
        "SuspiciousOperation",
        "BadRequest",
        "APIException",
        "NotFound",
        "ParseError",
        "AuthenticationFailed",
        "NotAuthenticated",
        "MethodNotAllowed",
        "NotAcceptable",
        "UnsupportedMediaType",
        "Throttled",
        "HTTPException",
        "JSONDecodeError",
        "DoesNotExist",
        "ObjectDoesNotExist",
        # django-mptt's refusal of a tree move, with translated messages for the user
        # ("A node may not be made a child of itself.").
        "InvalidMove",
    }
)
# Errors about malformed text (a template, an address, a document) describe that text, which
# is where they come from: ``TemplateSyntaxError``, ``AddrFormatError``, ``PdfReadError``.
_MALFORMED_TEXT = ("SyntaxError", "FormatError", "ParseError", "DecodeError", "PdfReadError")
_TEXT_BUILTINS = frozenset({"str", "repr", "format", "ascii"})
_TRACEBACK_TEXT = frozenset(
    {
        "traceback.format_exc",
        "traceback.format_exception",
        "traceback.format_exception_only",
        "traceback.format_tb",
        "sys.exc_info",
    }
)
_NON_TEXT_CALLS = frozenset(
    {"len", "bool", "int", "float", "isinstance", "issubclass", "hash", "type", "id", "hasattr"}
)
# Text of the exception, or of the one it wraps (SQLAlchemy's ``orig``, a chained cause).
_LEAK_ATTRIBUTES = frozenset(
    {"args", "message", "msg", "strerror", "reason", "stderr", "output", "orig", "__cause__",
     "__context__", "__str__", "__repr__"}
)  # fmt: skip
_CONTAINER_WRITERS = frozenset({"append", "extend", "insert", "update", "setdefault", "add"})


def is_user_facing(
    handler_type: ast.expr | None,
    imports: Mapping[str, str],
    in_project: Callable[[str], bool],
) -> bool:
    """Every class the handler catches carries messages meant for clients.

    Besides the well-known ones (validation errors, HTTP exceptions, ``DoesNotExist``), that is
    the project's own exceptions: ``raise PluginLimitReached("This placeholder is full")`` is
    written for the user, unlike the text of a ``KeyError`` or an ``IntegrityError``.
    """
    if handler_type is None:
        return False
    nodes = handler_type.elts if isinstance(handler_type, ast.Tuple) else [handler_type]
    return all(_user_facing_class(node, imports, in_project) for node in nodes)


def _user_facing_class(
    node: ast.expr, imports: Mapping[str, str], in_project: Callable[[str], bool]
) -> bool:
    name = dotted_name(node)
    short = last_part(name)
    if short in _USER_FACING or "ValidationError" in short or short.endswith(_MALFORMED_TEXT):
        return True
    if name is None:
        return False
    head = name.split(".", 1)[0]
    if head not in imports:
        # Not imported: a builtin, or a class defined in this very module.
        return "." not in name and not hasattr(builtins, name)
    return in_project(qualified_name(node, imports) or "")


# Registration calls, and the position of the exception among the handler's parameters.
_REGISTRATIONS = {"add_exception_handler": 1, "register_error_handler": 0}


def registered_handlers(tree: ast.Module) -> dict[str, tuple[int, ast.expr]]:
    """Functions registered as exception handlers without a decorator, by name: the position
    of their exception parameter and the class they handle. ``app.add_exception_handler(E, f)``
    (Starlette, FastAPI), ``app.register_error_handler(E, f)`` (Flask), and
    ``Starlette(exception_handlers={E: f})``."""
    found: dict[str, tuple[int, ast.expr]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        position = _REGISTRATIONS.get(getattr(node.func, "attr", ""))
        if position is not None and len(node.args) == 2 and isinstance(node.args[1], ast.Name):
            found[node.args[1].id] = (position, node.args[0])
        for keyword in node.keywords:
            if keyword.arg == "exception_handlers" and isinstance(keyword.value, ast.Dict):
                for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                    if key is not None and isinstance(value, ast.Name):
                        found[value.id] = (1, key)
    return found


def handled_exception(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    registered: Mapping[str, tuple[int, ast.expr]] | None = None,
) -> tuple[ast.arg, ast.expr | None] | None:
    """The parameter that receives the exception in a framework's exception handler, and the
    class it is registered for (None: any exception).

    ``@app.exception_handler(E)`` (FastAPI, Starlette: ``request, exc``), ``@app.errorhandler(E)``
    (Flask: ``error``), and Django middleware's ``process_exception(self, request, exception)``.
    Handlers registered for an HTTP status code or for exceptions written for clients
    receive text meant for them.
    """
    parameters = [*function.args.posonlyargs, *function.args.args]
    if function.name == "process_exception" and len(parameters) == 3:
        return parameters[2], None
    for decorator in function.decorator_list:
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
            continue
        position = {"exception_handler": 1, "errorhandler": 0}.get(decorator.func.attr)
        if position is None or len(parameters) <= position or len(decorator.args) != 1:
            continue
        handled = decorator.args[0]
        if isinstance(handled, ast.Constant):
            return None  # a status code: an HTTP exception whose text is for clients
        return parameters[position], handled
    if registered and function.name in registered:
        position, handled = registered[function.name]
        if len(parameters) > position and not isinstance(handled, ast.Constant):
            return parameters[position], handled
    return None


@dataclass(frozen=True)
class _State:
    exceptions: frozenset[str] = frozenset()
    texts: frozenset[str] = frozenset()

    def __or__(self, other: _State) -> _State:
        return _State(self.exceptions | other.exceptions, self.texts | other.texts)

    def bind(self, name: str, *, exception: bool = False, text: bool = False) -> _State:
        exceptions = self.exceptions - {name}
        texts = self.texts - {name}
        return _State(
            exceptions | {name} if exception else exceptions, texts | {name} if text else texts
        )


SinkArguments = Callable[[ast.Call], "list[ast.expr] | None"]


class LeakTracker:
    """Finds sink calls in one function body whose arguments carry exception text.

    ``sink_arguments`` returns, for a call, the arguments that reach the client (None when the
    call is not a sink).
    """

    def __init__(
        self,
        imports: Mapping[str, str],
        sink_arguments: SinkArguments,
        *,
        in_project: Callable[[str], bool],
        traceback_text: bool,
        project_function: FunctionLookup,
    ) -> None:
        self.imports = imports
        self.in_project = in_project
        self.project_function = project_function
        self.sink_arguments = sink_arguments
        # Whether the file can produce traceback text (``format_exc``) outside any handler.
        self.traceback_text = traceback_text
        self.found: list[tuple[ast.Call, ast.AST]] = []
        # Inside ``if settings.DEBUG:`` details are shown on purpose, to developers only.
        self._debug_only = 0

    def sinks_with_leaks(
        self, body: list[ast.stmt], exceptions: frozenset[str] = frozenset()
    ) -> list[tuple[ast.Call, ast.AST]]:
        """(sink call, leaking expression) pairs, each leaking expression once.

        ``exceptions``: names holding an exception on entry (an exception handler's parameter).
        """
        self.found = []
        self._block(body, _State(exceptions=exceptions))
        seen: set[int] = set()
        unique = []
        for call, leak in self.found:
            if id(leak) not in seen:
                seen.add(id(leak))
                unique.append((call, leak))
        return unique

    def _block(self, stmts: Iterable[ast.stmt], state: _State) -> _State:
        statements = list(stmts)
        for index, stmt in enumerate(statements):
            state = self._statement(stmt, state)
            if _leaves_unless_debug(stmt):
                # ``if not settings.DEBUG: return ...``: what follows runs in debug mode only.
                return self._branch(statements[index + 1 :], state, True)
        return state

    def _statement(self, stmt: ast.stmt, state: _State) -> _State:
        if isinstance(stmt, SCOPE_NODES):
            return state
        if isinstance(stmt, ast.If):
            self._scan(stmt.test, state)
            gate = _debug_gate(stmt.test)
            return self._branch(stmt.body, self._narrowed(stmt.test, state), gate is True) | (
                self._branch(stmt.orelse, state, gate is False)
            )
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            self._scan(stmt.test if isinstance(stmt, ast.While) else stmt.iter, state)
            after_body = state | self._block(stmt.body, state)
            return after_body | self._block(stmt.orelse, after_body)
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self._scan(item.context_expr, state)
            return self._block(stmt.body, state)
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            return self._try(stmt, state)
        if isinstance(stmt, ast.Match):
            self._scan(stmt.subject, state)
            merged = state
            for case in stmt.cases:
                merged = merged | self._block(case.body, state)
            return merged
        self._scan(stmt, state)
        return self._assignments(stmt, state)

    def _narrowed(self, test: ast.expr, state: _State) -> _State:
        """``if isinstance(exc, CartFull):``: in the branch, ``exc`` is an exception whose text
        was written for the client."""
        if not (
            isinstance(test, ast.Call)
            and getattr(test.func, "id", "") == "isinstance"
            and len(test.args) == 2
            and isinstance(test.args[0], ast.Name)
            and test.args[0].id in state.exceptions
        ):
            return state
        if not is_user_facing(test.args[1], self.imports, self.in_project):
            return state
        return state.bind(test.args[0].id)

    def _user_facing(self, node: ast.expr) -> bool:
        return _user_facing_class(node, self.imports, self.in_project)

    def _branch(self, stmts: list[ast.stmt], state: _State, debug_only: bool) -> _State:
        self._debug_only += debug_only
        try:
            return self._block(stmts, state)
        finally:
            self._debug_only -= debug_only

    def _try(self, stmt: ast.stmt, state: _State) -> _State:
        after_body = self._block(getattr(stmt, "body", []), state)
        outcomes = [self._block(getattr(stmt, "orelse", []), after_body)]
        for handler in getattr(stmt, "handlers", []):
            entry = state | after_body
            if handler.name:
                leaking = not is_user_facing(handler.type, self.imports, self.in_project)
                body = getattr(stmt, "body", [])
                leaking = leaking and not (
                    describes_input(handler, body, self._user_facing)
                    or catches_own_message(handler, body, self.project_function)
                )
                entry = entry.bind(handler.name, exception=leaking)
            exit_state = self._block(handler.body, entry)
            if handler.name:
                exit_state = exit_state.bind(handler.name)
            outcomes.append(exit_state)
        merged = outcomes[0]
        for outcome in outcomes[1:]:
            merged = merged | outcome
        return self._block(getattr(stmt, "finalbody", []), merged)

    def _scan(self, node: ast.AST, state: _State) -> None:
        """Record every sink call under ``node`` whose arguments carry exception text."""
        if self._debug_only or not (state.exceptions or state.texts or self.traceback_text):
            return
        for child in (node, *walk_scope(node)):
            if not isinstance(child, ast.Call):
                continue
            for argument in self.sink_arguments(child) or ():
                leak = self.find_leak(argument, state)
                if leak is not None:
                    self.found.append((child, leak))

    def _assignments(self, stmt: ast.stmt, state: _State) -> _State:
        if self._debug_only:
            return state  # ``payload["debug"] = repr(exc)`` under ``if settings.DEBUG:``
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = stmt.value
            is_exception = isinstance(value, ast.Name) and value.id in state.exceptions
            leaks = self.find_leak(value, state) is not None
            augmented = isinstance(stmt, ast.AugAssign)
            caught = _caught_exception(targets, value, self.imports)
            if caught is not None:
                return state.bind(caught, exception=True)
            for target in targets:
                state = self._assign(
                    target, state, exception=is_exception, text=leaks, aug=augmented
                )
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            state = self._container_write(stmt.value, state)
        return state

    def _assign(
        self, target: ast.expr, state: _State, *, exception: bool, text: bool, aug: bool
    ) -> _State:
        if isinstance(target, ast.Name):
            if aug:
                return state.bind(target.id, text=True) if text else state
            return state.bind(target.id, exception=exception, text=text and not exception)
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and text:
            return state.bind(target.value.id, text=True)
        return state

    def _container_write(self, call: ast.Call, state: _State) -> _State:
        func = call.func
        if not (
            isinstance(func, ast.Attribute)
            and func.attr in _CONTAINER_WRITERS
            and isinstance(func.value, ast.Name)
        ):
            return state
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        if any(self.find_leak(argument, state) is not None for argument in arguments):
            return state.bind(func.value.id, text=True)
        return state

    def find_leak(self, node: ast.AST, state: _State) -> ast.AST | None:
        """The sub-expression of ``node`` that carries exception text, if any."""
        if isinstance(node, ast.Name):
            return node if node.id in state.exceptions or node.id in state.texts else None
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in state.exceptions:
                return node if node.attr in _LEAK_ATTRIBUTES else None
            return self.find_leak(node.value, state)
        if isinstance(node, ast.Call):
            return self._call_leak(node, state)
        if isinstance(node, ast.JoinedStr):
            leaking = any(
                self.find_leak(value.value, state) is not None
                for value in node.values
                if isinstance(value, ast.FormattedValue)
            )
            return node if leaking else None
        if isinstance(node, ast.IfExp):
            gate = _debug_gate(node.test)
            branches = (node.orelse,) if gate is True else (node.body,) if gate is False else None
            return self._first_leak(branches or (node.body, node.orelse), state)
        if isinstance(node, ast.BinOp):
            leaking = self._first_leak((node.left, node.right), state) is not None
            return node if leaking else None
        return self._first_leak(_sub_expressions(node), state)

    def _call_leak(self, call: ast.Call, state: _State) -> ast.AST | None:
        name = qualified_name(call.func, self.imports)
        if name in _TRACEBACK_TEXT:
            return call
        if name in _NON_TEXT_CALLS:
            return None
        if name in _TEXT_BUILTINS:
            return call if self._first_leak(call.args, state) is not None else None
        if name == "getattr" and len(call.args) >= 2:
            target, attribute = call.args[0], call.args[1]
            if (
                isinstance(target, ast.Name)
                and target.id in state.exceptions
                and isinstance(attribute, ast.Constant)
                and attribute.value in _LEAK_ATTRIBUTES
            ):
                return call
            return self._first_leak(call.args[2:], state)
        if isinstance(call.func, ast.Attribute) and self.find_leak(call.func, state) is not None:
            return call
        # An exception object passed to an arbitrary function may become anything (an error
        # code, a status); only text already derived from it is known to leak through.
        arguments = [
            argument
            for argument in (*call.args, *(keyword.value for keyword in call.keywords))
            if not (isinstance(argument, ast.Name) and argument.id in state.exceptions)
        ]
        return self._first_leak(arguments, state)

    def _first_leak(self, nodes: Iterable[ast.AST | None], state: _State) -> ast.AST | None:
        for node in nodes:
            if node is not None:
                leak = self.find_leak(node, state)
                if leak is not None:
                    return leak
        return None


def _caught_exception(
    targets: Sequence[ast.expr], value: ast.expr, imports: Mapping[str, str]
) -> str | None:
    """The name bound to the exception being handled by ``_, exc, _ = sys.exc_info()`` or
    ``exc = sys.exc_info()[1]`` (in a helper that builds the error response)."""
    if len(targets) != 1:
        return None
    target = targets[0]

    def exc_info(node: ast.expr) -> bool:
        return isinstance(node, ast.Call) and qualified_name(node.func, imports) == "sys.exc_info"

    if isinstance(value, ast.Subscript):
        second = isinstance(value.slice, ast.Constant) and value.slice.value == 1
        if second and isinstance(target, ast.Name) and exc_info(value.value):
            return target.id
        return None
    if isinstance(target, ast.Tuple) and len(target.elts) == 3 and exc_info(value):
        exception = target.elts[1]
        return exception.id if isinstance(exception, ast.Name) else None
    return None


def _leaves_unless_debug(stmt: ast.stmt) -> bool:
    """``if not settings.DEBUG: return`` (also ``if not settings.DEBUG or ...:``)."""
    if not isinstance(stmt, ast.If) or stmt.orelse or not stmt.body:
        return False
    if not isinstance(stmt.body[-1], (ast.Return, ast.Raise)):
        return False
    tests = (
        stmt.test.values
        if isinstance(stmt.test, ast.BoolOp) and isinstance(stmt.test.op, ast.Or)
        else [stmt.test]
    )
    return any(_debug_gate(test) is False for test in tests)


def _debug_gate(test: ast.expr) -> bool | None:
    """True when ``test`` means "in debug mode" (``settings.DEBUG``), False for its negation."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _debug_gate(test.operand)
        return None if inner is None else not inner
    name = dotted_name(test)
    if name is not None and last_part(name) in ("DEBUG", "debug"):
        return True
    return None


def _sub_expressions(node: ast.AST) -> Iterator[ast.AST | None]:
    if isinstance(node, ast.Dict):
        yield from node.values
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        yield from node.elts
    elif isinstance(node, ast.Subscript):
        yield node.value
    elif isinstance(node, ast.BoolOp):
        yield from node.values
    elif isinstance(node, (ast.Starred, ast.Await, ast.NamedExpr, ast.FormattedValue)):
        yield node.value
