"""EG203: calls that leave the process and cannot be rolled back with the database.

A Celery task queued (``task.delay()``, ``task.apply_async()``, ``task.s(...).delay()``,
``app.send_task()``), mail sent through ``django.core.mail`` (``send_mail()``,
``EmailMessage(...).send()``, a connection's ``send_messages()``), and HTTP requests that
change something elsewhere (``requests``/``httpx`` POST, PUT, PATCH, DELETE, module-level or
on a session or client made in the function, ``urlopen()`` with a body), plus the functions a
project names in ``extra-side-effects``.

A ``.delay()`` counts only on a Celery task: a function of the project decorated
``@shared_task``/``@app.task``, or a name imported from a ``tasks`` module errguard cannot read.
A task whose ``base=`` class defers ``apply_async``/``delay`` to ``transaction.on_commit``
(a "transaction-aware task") is safe. GET, HEAD and OPTIONS requests only read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from errguard.astutil import collect_imports, decorator_name, qualified_name
from errguard.project.functions import Function, FunctionIndex, ModuleDefinitions
from errguard.project.modules import resolve_relative

_ENQUEUE = frozenset({"delay", "apply_async"})
_SIGNATURES = frozenset({"s", "si", "signature"})
_TASK_DECORATORS = frozenset({"shared_task", "task", "periodic_task"})
# Base classes followed upwards from a task's ``base=`` to find its ``apply_async``.
_BASE_DEPTH = 3

_MAIL = "django.core.mail"
_MAIL_FUNCTIONS = frozenset(
    f"{_MAIL}.{name}" for name in ("send_mail", "send_mass_mail", "mail_admins", "mail_managers")
)
_MAIL_MESSAGES = frozenset(
    f"{_MAIL}{module}.{name}"
    for module in ("", ".message")
    for name in ("EmailMessage", "EmailMultiAlternatives")
)
_MAIL_CONNECTIONS = frozenset({f"{_MAIL}.get_connection"})

_HTTP_LIBRARIES = ("requests", "httpx")
_WRITE_VERBS = frozenset({"post", "put", "patch", "delete"})
_HTTP_CLIENTS = frozenset(
    {"requests.Session", "requests.session", "httpx.Client", "httpx.AsyncClient"}
)
_URLOPEN = "urllib.request.urlopen"
_URL_REQUEST = "urllib.request.Request"

# What a local variable holds, when the function made it: a mail message, a mail connection,
# an HTTP session or client.
_MESSAGE, _CONNECTION, _CLIENT = "message", "connection", "client"


@dataclass(frozen=True)
class SideEffect:
    """A call that acts outside the database: ``kind`` is task, mail, http or call."""

    kind: str
    call: str  # how the code spells it: "notify.delay()", "send_mail()"


@dataclass
class Scope:
    """What the calls of one function resolve through: its module, its own imports, the mail
    messages and HTTP clients it makes, the project's functions."""

    module: ModuleDefinitions
    index: FunctionIndex
    extra: frozenset[str]
    local: dict[str, str] = field(default_factory=dict)
    made: dict[str, str] = field(default_factory=dict)  # variable -> _MESSAGE/_CONNECTION/...

    @classmethod
    def of(
        cls,
        function: Function,
        module: ModuleDefinitions,
        index: FunctionIndex,
        extra: frozenset[str],
    ) -> Scope:
        local = {
            name: resolve_relative(target, module.name, is_package=module.is_package)
            for name, target in collect_imports(function.body).items()
        }
        scope = cls(module, index, extra, local)
        scope.made = dict(_made_here(function, scope.imports))
        return scope

    @cached_property
    def imports(self) -> Mapping[str, str]:
        return {**self.module.imports, **self.local}

    def qualified(self, node: ast.expr) -> str | None:
        return qualified_name(node, self.imports)


def side_effect(call: ast.Call, scope: Scope) -> SideEffect | None:
    """The side effect ``call`` has, if it is one this rule knows."""
    func = call.func
    name = scope.qualified(func)
    if name in scope.extra or name in _MAIL_FUNCTIONS:
        return SideEffect("call" if name in scope.extra else "mail", f"{_spelled(func)}()")
    if name is not None and _writes_over_http(call, name, scope):
        return SideEffect("http", f"{_spelled(func)}()")
    if not isinstance(func, ast.Attribute):
        return None
    receiver, method = func.value, func.attr
    if method in _ENQUEUE and _is_task(_unsigned(receiver), scope):
        return SideEffect("task", f"{_spelled(func)}()")
    if method == "send_task" and _spelled(receiver) != "self":
        return SideEffect("task", f"{_spelled(func)}()")
    made = _made_by(receiver, scope)
    if (method == "send" and made == _MESSAGE) or (
        method == "send_messages" and made == _CONNECTION
    ):
        return SideEffect("mail", f"{_spelled(func)}()")
    if made == _CLIENT and _is_write(method, call):
        return SideEffect("http", f"{_spelled(func)}()")
    return None


def _writes_over_http(call: ast.Call, name: str, scope: Scope) -> bool:
    library, _, verb = name.rpartition(".")
    if library in _HTTP_LIBRARIES:
        return _is_write(verb, call)
    if name == _URLOPEN:
        return _sends_body(call, scope)
    return False


def _is_write(verb: str, call: ast.Call) -> bool:
    """``post()``, or ``request("POST", ...)``: a method spelled as a literal."""
    if verb == "request":
        method = call.args[0] if call.args else _keyword(call, "method")
        return (
            isinstance(method, ast.Constant)
            and isinstance(method.value, str)
            and method.value.lower() in _WRITE_VERBS
        )
    return verb in _WRITE_VERBS


def _sends_body(call: ast.Call, scope: Scope) -> bool:
    """``urlopen(url, data)``, or ``urlopen(Request(url, data=...))`` (a POST)."""
    if len(call.args) > 1 or _keyword(call, "data") is not None:
        return True
    request = call.args[0] if call.args else None
    return (
        isinstance(request, ast.Call)
        and scope.qualified(request.func) == _URL_REQUEST
        and (len(request.args) > 1 or _keyword(request, "data") is not None)
    )


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _unsigned(node: ast.expr) -> ast.expr:
    """``task`` of ``task.s(...)``: a signature queues the same task."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _SIGNATURES
    ):
        return node.func.value
    return node


def _is_task(node: ast.expr, scope: Scope) -> bool:
    qualified = scope.module.qualify(node, scope.local)
    if qualified is None:
        return False
    module_part, _, name = qualified.rpartition(".")
    if module_part == scope.module.name and name in scope.module.functions:
        found: tuple[ModuleDefinitions, Function] | None = (
            scope.module,
            scope.module.functions[name],
        )
    else:
        found = scope.index.function(qualified)
    if found is None:
        return "tasks" in module_part.split(".")
    module, function = found
    decorators = [d for d in function.decorator_list if decorator_name(d) in _TASK_DECORATORS]
    in_tasks_module = "tasks" in module.name.split(".")
    if not decorators and not in_tasks_module:
        return False
    return not any(_defers_to_commit(d, module, scope.index) for d in decorators)


def _defers_to_commit(decorator: ast.expr, module: ModuleDefinitions, index: FunctionIndex) -> bool:
    """``@app.task(base=TransactionAwareTask)`` whose base (or its bases) queues the task from
    ``transaction.on_commit``."""
    if not isinstance(decorator, ast.Call):
        return False
    base = next((k.value for k in decorator.keywords if k.arg == "base"), None)
    return base is not None and _class_defers(base, module, index, _BASE_DEPTH)


def _class_defers(
    node: ast.expr, module: ModuleDefinitions, index: FunctionIndex, depth: int
) -> bool:
    qualified = module.qualify(node)
    found = index.class_def(qualified) if qualified else None
    if found is None and isinstance(node, ast.Name) and node.id in module.classes:
        found = (module, module.classes[node.id])
    if found is None or depth == 0:
        return False
    owner, cls = found
    for item in cls.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in _ENQUEUE:
            return _calls_on_commit(item)
    return any(_class_defers(base, owner, index, depth - 1) for base in cls.bases)


def _calls_on_commit(function: Function) -> bool:
    return any(
        isinstance(node, ast.Call) and _spelled(node.func).endswith("on_commit")
        for node in ast.walk(function)
    )


def _made_by(receiver: ast.expr, scope: Scope) -> str | None:
    if isinstance(receiver, ast.Name):
        return scope.made.get(receiver.id)
    if isinstance(receiver, ast.Call):
        return _made_kind(scope.qualified(receiver.func))
    return None


def _made_kind(constructor: str | None) -> str | None:
    if constructor in _MAIL_MESSAGES:
        return _MESSAGE
    if constructor in _MAIL_CONNECTIONS:
        return _CONNECTION
    if constructor in _HTTP_CLIENTS:
        return _CLIENT
    return None


def _made_here(function: Function, imports: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """Variables the function binds to a new mail message, connection or HTTP client:
    ``message = EmailMessage(...)``, ``with requests.Session() as session``."""
    for node in ast.walk(function):
        pairs: list[tuple[ast.expr, ast.expr]] = []
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            pairs.append((node.targets[0], node.value))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            pairs.extend((i.optional_vars, i.context_expr) for i in node.items if i.optional_vars)
        for target, value in pairs:
            if isinstance(target, ast.Name) and isinstance(value, ast.Call):
                kind = _made_kind(qualified_name(value.func, imports))
                if kind is not None:
                    yield target.id, kind


def _spelled(node: ast.expr) -> str:
    """The source spelling of a called expression, shortened: ``task.delay``,
    ``EmailMessage(...).send``."""
    if isinstance(node, ast.Attribute):
        return f"{_spelled(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_spelled(node.func)}(...)"
    if isinstance(node, ast.Name):
        return node.id
    return "..."
