"""A ``try`` that only asks the machine it runs on about itself (EG402).

Public IP services, a UDP socket's local address, ``psutil`` statistics, a git checkout's
files, a gettext catalog: whether any of them answers depends on the host (offline, sandboxed,
not a checkout, no catalog compiled), so the fallback means "unknown on this host" rather than
hiding a bug in the project's own work. The probe is read narrowly: every call in the ``try``
(and in the local helpers it calls) reads the host or takes the answer apart, no argument
carries the project's objects, and nothing is written; once the ``try`` runs the project's
own code, acts (``send``, ``write_text``, ``kill``) or sends data, its failures may be bugs
again.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from errguard.astutil import block_statements, collect_imports, qualified_name, walk_scope
from errguard.rules.exceptions._fallbacks import HandlerSite
from errguard.rules.exceptions._probes import (
    PATH_BUILDERS,
    TEXT_HANDLING,
    called_name,
    reads_built_path,
)

# Modules whose functions report on the host: its network, processes, disks and platform.
_HOST_MODULES = frozenset({"socket", "psutil", "platform", "getpass", "locale", "resource"})
# Single functions that read the host (a directory's usage, a gettext catalog on disk).
_HOST_FUNCTIONS = frozenset(
    {
        "os.getloadavg",
        "os.cpu_count",
        "os.uname",
        "os.statvfs",
        "os.geteuid",
        "os.getegid",
        "os.getuid",
        "os.getgid",
        "shutil.disk_usage",
        "shutil.which",
        "tempfile.gettempdir",
        "tempfile.TemporaryDirectory",
        "gettext.translation",
        "gettext.find",
    }
)
# HTTP reads: a GET of a service whose address the code fixes, not a send of the project's data.
_HTTP_GETS = frozenset({"urllib.request.urlopen", "requests.get", "requests.head", "httpx.get"})
# Path tests without arguments (``git_dir.is_file()``): they read the file system only.
_PATH_TESTS = frozenset(
    {"exists", "is_dir", "is_file", "is_mount", "is_symlink", "is_absolute", "stat", "lstat"}
)
# Builtins and conversions that only compute with the answer.
_VALUE_FUNCTIONS = frozenset(
    {
        "round",
        "str",
        "int",
        "float",
        "bool",
        "len",
        "min",
        "max",
        "sum",
        "abs",
        "sorted",
        "list",
        "tuple",
        "dict",
        "set",
        "next",
        "isinstance",
        "datetime.datetime.fromtimestamp",
        "django.utils.translation.to_locale",
    }
)
# Methods that act on the host rather than read it.
_ACTIONS = frozenset(
    {
        "send",
        "sendall",
        "sendto",
        "sendmsg",
        "write",
        "write_text",
        "write_bytes",
        "kill",
        "terminate",
        "suspend",
        "resume",
        "send_signal",
        "unlink",
        "remove",
        "rmdir",
        "mkdir",
        "rename",
        "replace",
        "chmod",
        "chown",
        "touch",
    }
)
# How deep local helpers (``def fetch_url``, ``lambda: fetch_url(...)``) are followed.
_DEPTH = 3

Callable = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


@dataclass
class _Scan:
    imports: Mapping[str, str]
    callables: dict[str, list[Callable]]
    module_names: set[str]
    reads_host: bool = False
    # Names bound in the probe to what a host read returned (``with socket.socket() as s``).
    answers: set[str] = field(default_factory=set)


def probes_host(site: HandlerSite, tree: ast.Module, imports: Mapping[str, str]) -> bool:
    """Every call of the ``try`` reads the host (a host module, a fixed service's address, a
    file at a built path, a path test), takes the answer apart, or is a local helper that does
    only that; and at least one of them reads the host."""
    if site.function is not None:
        # Probes often import what they use where they use it (``import psutil``).
        imports = {**imports, **collect_imports(site.function.body)}
    scan = _Scan(imports, _local_callables(site, tree), _assigned_names(tree.body))
    return _only_probes(site.statement.body, scan, 0) and scan.reads_host


def _only_probes(body: list[ast.stmt], scan: _Scan, depth: int) -> bool:
    for node in _nodes(body):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            # Changing an object's state is work on the project's data, not a probe.
            if not all(isinstance(target, (ast.Name, ast.Tuple)) for target in targets):
                return False
        for target, value in _bindings(node):
            if isinstance(value, ast.Call) and _host_read(value, _name(value, scan), scan):
                scan.answers |= {name.id for name in ast.walk(target) if isinstance(name, ast.Name)}
        if isinstance(node, ast.Call) and not _probe_call(node, scan, depth):
            return False
    return True


def _nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    for stmt in body:
        yield stmt
        yield from walk_scope(stmt)


def _bindings(node: ast.AST) -> Iterator[tuple[ast.expr, ast.expr]]:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield target, node.value
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if item.optional_vars is not None:
                yield item.optional_vars, item.context_expr


def _name(call: ast.Call, scan: _Scan) -> str:
    return qualified_name(call.func, scan.imports) or ""


def _probe_call(call: ast.Call, scan: _Scan, depth: int) -> bool:
    name = _name(call, scan)
    if _host_read(call, name, scan):
        scan.reads_host = True
        return True
    if name in _VALUE_FUNCTIONS:
        return True
    if isinstance(call.func, ast.Attribute):
        method = call.func.attr
        if method in _ACTIONS:
            return False
        if method in TEXT_HANDLING or method in PATH_BUILDERS or method == "isoformat":
            return True
        return (not call.args and method in _PATH_TESTS) or _on_answer(call.func, scan)
    if isinstance(call.func, ast.Name) and call.func.id in scan.callables:
        return depth < _DEPTH and all(
            _helper_probes(helper, scan, depth + 1) for helper in scan.callables[call.func.id]
        )
    return called_name(call, scan.imports) in PATH_BUILDERS


def _host_read(call: ast.Call, name: str, scan: _Scan) -> bool:
    if reads_built_path(call, scan.imports):
        return True
    if name in _HTTP_GETS:
        # A GET: no body, and an address the code writes (``f"https://ipapi.co/{ip}/json/"``).
        sends = len(call.args) > 1 or any(keyword.arg == "data" for keyword in call.keywords)
        return bool(call.args) and not sends and _plain(call.args[0], scan)
    host = name in _HOST_FUNCTIONS or name.split(".", 1)[0] in _HOST_MODULES
    arguments = (*call.args, *(keyword.value for keyword in call.keywords))
    return host and all(_plain(argument, scan) for argument in arguments)


def _plain(node: ast.expr, scan: _Scan) -> bool:
    """Constants, names, the module's own constants and settings, and the probe's answers:
    no attribute of a parameter or of ``self`` (``hook.url``), which would carry the
    project's data into the probe."""
    for child in (node, *walk_scope(node)):
        if isinstance(child, ast.Attribute):
            root: ast.expr = child
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            known = scan.imports.keys() | scan.module_names | scan.answers
            if isinstance(root, ast.Name) and root.id not in known:
                return False
    return True


def _on_answer(func: ast.Attribute, scan: _Scan) -> bool:
    """A method of what a host read returned (``s.getsockname()`` of ``with socket.socket()
    as s``, ``urlopen(url).read()``)."""
    receiver = func.value
    if isinstance(receiver, ast.Call):
        return _probe_call(receiver, scan, _DEPTH)
    return isinstance(receiver, ast.Name) and receiver.id in scan.answers


def _helper_probes(helper: Callable, scan: _Scan, depth: int) -> bool:
    body: list[ast.stmt] = (
        [ast.Expr(helper.body)] if isinstance(helper, ast.Lambda) else helper.body
    )
    return _only_probes(body, scan, depth)


def _assigned_names(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for stmt in block_statements(body):
        for target, _value in _bindings(stmt):
            names |= {node.id for node in ast.walk(target) if isinstance(node, ast.Name)}
    return names


def _local_callables(site: HandlerSite, tree: ast.Module) -> dict[str, list[Callable]]:
    """Functions the ``try`` can call by a bare name: the module's and the enclosing
    function's own definitions and lambdas, and the targets of a loop over a literal list of
    them (``for fetch, parse in methods:`` with ``methods = [(lambda: ..., lambda r: ...)]``)."""
    table: dict[str, list[Callable]] = {}
    literals: dict[str, ast.List | ast.Tuple] = {}
    scopes = [tree.body] + ([site.function.body] if site.function is not None else [])
    for body in scopes:
        for stmt in block_statements(body):
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                table[stmt.name] = [stmt]
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
                if isinstance(target, ast.Name) and isinstance(value, ast.Lambda):
                    table[target.id] = [value]
                elif isinstance(target, ast.Name) and isinstance(value, (ast.List, ast.Tuple)):
                    literals[target.id] = value
    for stmt in site.enclosing:
        if isinstance(stmt, ast.For) and isinstance(stmt.iter, ast.Name):
            items = literals.get(stmt.iter.id)
            if items is not None:
                table.update(_loop_targets(stmt.target, items, table))
    return table


def _loop_targets(
    target: ast.expr, items: ast.List | ast.Tuple, known: dict[str, list[Callable]]
) -> dict[str, list[Callable]]:
    names = target.elts if isinstance(target, ast.Tuple) else [target]
    found: dict[str, list[Callable]] = {}
    for item in items.elts:
        elements = item.elts if isinstance(item, ast.Tuple) else [item]
        if isinstance(target, ast.Tuple) != isinstance(item, ast.Tuple) or len(elements) != len(
            names
        ):
            return {}
        for name, element in zip(names, elements, strict=True):
            helpers = _as_callables(element, known)
            if not isinstance(name, ast.Name) or helpers is None:
                return {}
            found.setdefault(name.id, []).extend(helpers)
    return found


def _as_callables(node: ast.expr, known: dict[str, list[Callable]]) -> list[Callable] | None:
    if isinstance(node, ast.Lambda):
        return [node]
    if isinstance(node, ast.Name) and node.id in known:
        return known[node.id]
    return None
