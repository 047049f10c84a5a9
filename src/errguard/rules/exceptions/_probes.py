"""A ``try`` that probes for something that may legitimately be absent (EG402).

An optional dependency, an optional file and an optional command-line tool are absent on many
installations: the handler's fallback stands for "not there", the normal outcome of the probe,
not for a swallowed bug. The probes are read narrowly: once the ``try`` calls other code, or
acts rather than reads, its failures may be bugs again.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from errguard.astutil import last_part, qualified_name, walk_statements
from errguard.rules.exceptions._fallbacks import HandlerSite

# Calls that read a file whose path the code builds (``Path("/VERSION.txt").read_text()``).
_FILE_READS = frozenset({"read_text", "read_bytes", "open"})
_COMMAND_RUNNERS = frozenset(
    {"subprocess.run", "subprocess.check_output", "subprocess.getoutput", "subprocess.Popen"}
)
# Calls that build a path, and those that only take apart what was read (string methods,
# regular expressions, a JSON decode): none of them runs the project's own code.
PATH_BUILDERS = frozenset({"Path", "PurePath", "joinpath", "with_name", "with_suffix"})
TEXT_HANDLING = frozenset(
    {
        "read",
        "readline",
        "readlines",
        "strip",
        "lstrip",
        "rstrip",
        "split",
        "rsplit",
        "splitlines",
        "partition",
        "rpartition",
        "startswith",
        "endswith",
        "lower",
        "upper",
        "replace",
        "removeprefix",
        "removesuffix",
        "decode",
        "findall",
        "fullmatch",
        "match",
        "search",
        "group",
        "load",
        "loads",
        "get",
        "int",
        "float",
        "str",
        "len",
        "bool",
    }
)


def probes_optional_import(site: HandlerSite) -> bool:
    """The ``try`` imports a module and only reads from it (``import sdk; info["sdk"] =
    sdk.__version__``): the handler means "not installed", which is the point of the probe.
    A ``try`` that goes on to call the imported code is not a probe: its failures are bugs."""
    body = site.statement.body
    imports = [stmt for stmt in body if isinstance(stmt, (ast.Import, ast.ImportFrom))]
    if not imports or any(isinstance(stmt, ast.ImportFrom) and stmt.level for stmt in imports):
        return False
    rest = [stmt for stmt in body if stmt not in imports]
    return not any(isinstance(node, ast.Call) for node in walk_statements(rest))


def reads_optional_file(site: HandlerSite, imports: Mapping[str, str]) -> bool:
    """The ``try`` reads a file at a path it builds (``open("/proc/self/cgroup")``,
    ``(git_dir / "HEAD").read_text()``) or a whole file through pathlib
    (``self.log_file.read_text()``) and only takes the text apart: a file that is missing
    or unreadable on this host is the expected failure, and the fallback means "not there".
    Reading through another object (``storage.open(name)``) or handing the contents to other
    code (a hash, a backend) is not a probe."""
    calls = [node for node in walk_statements(site.statement.body) if isinstance(node, ast.Call)]
    reads = [call for call in calls if reads_built_path(call, imports)]
    if not reads:
        return False
    return all(call in reads or called_name(call, imports) in _ALLOWED for call in calls)


_ALLOWED = TEXT_HANDLING | PATH_BUILDERS


def called_name(call: ast.Call, imports: Mapping[str, str]) -> str:
    """The called function's own name: a method's (``text.strip``), or an imported one's."""
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return last_part(qualified_name(call.func, imports))


def reads_built_path(call: ast.Call, imports: Mapping[str, str]) -> bool:
    name = qualified_name(call.func, imports)
    if name in ("open", "io.open"):
        return bool(call.args) and _built_path(call.args[0], imports)
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in _FILE_READS:
        return False
    # ``read_text()`` without a file name is pathlib's, whatever holds the path
    # (``self.log_file``); a ``read_text(name)`` reads a member of a package or archive.
    whole_file = call.func.attr != "open" and not call.args
    return whole_file or _built_path(call.func.value, imports)


def _built_path(node: ast.expr, imports: Mapping[str, str]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Div)
    return isinstance(node, ast.Call) and called_name(node, imports) in PATH_BUILDERS


def queries_host_command(
    site: HandlerSite, imports: Mapping[str, str], command_helpers: set[str]
) -> bool:
    """The ``try`` runs a fixed command (constant arguments) and only takes its output apart
    (``subprocess.check_output(["git", "rev-parse", "HEAD"]).decode().strip()``): a tool that
    is not installed or not permitted on this host is the expected failure, and the fallback
    means "unknown". A command run for its effect (``subprocess.run(["systemctl", "restart",
    ...])`` with nothing read from it) is an action whose failure matters, and is reported."""
    body = site.statement.body
    calls = [node for node in walk_statements(body) if isinstance(node, ast.Call)]
    commands = [call for call in calls if _runs_command(call, imports, command_helpers)]
    if not commands or not all(_constant_arguments(call) for call in commands):
        return False
    if not all(_output_read(call, body) for call in commands):
        return False
    return all(call in commands or called_name(call, imports) in TEXT_HANDLING for call in calls)


def command_helper_names(tree: ast.Module, imports: Mapping[str, str]) -> set[str]:
    """Module functions that return the result of running a command (``return
    subprocess.run([...], capture_output=True)``), so that their callers probe it too."""
    helpers = set()
    for stmt in tree.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        returns = [
            node.value
            for node in walk_statements(stmt.body)
            if isinstance(node, ast.Return) and node.value is not None
        ]
        if returns and all(
            isinstance(value, ast.Call) and _runs_command(value, imports, set())
            for value in returns
        ):
            helpers.add(stmt.name)
    return helpers


def _runs_command(call: ast.Call, imports: Mapping[str, str], helpers: set[str]) -> bool:
    if isinstance(call.func, ast.Name) and call.func.id in helpers:
        return True
    return qualified_name(call.func, imports) in _COMMAND_RUNNERS


def _constant_arguments(call: ast.Call) -> bool:
    for argument in call.args:
        items = argument.elts if isinstance(argument, (ast.List, ast.Tuple)) else [argument]
        if not all(isinstance(item, ast.Constant) for item in items):
            return False
    return True


def _output_read(call: ast.Call, body: list[ast.stmt]) -> bool:
    """The command's result is kept or read (``out = run(...)``, ``run(...).stdout``)."""
    for node in walk_statements(body):
        if isinstance(node, ast.Attribute) and node.value is call:
            return True
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is call:
            return True
        if isinstance(node, ast.BoolOp) and call in node.values:
            return True
    return False
