"""Where a broad handler sits, and signs that swallowing there was a decision (EG402).

Each check reads what the code means: a docstring or comment that states the fallback, a retry
whose own failure propagates, logging hooks and cleanup paths that must not raise, a parse of
input data with a default, a fallback that tells the user something went wrong.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import cast

from errguard.astutil import (
    collect_imports,
    dotted_name,
    last_part,
    qualified_name,
    walk_scope,
    walk_statements,
)

Function = ast.FunctionDef | ast.AsyncFunctionDef
_SHUTDOWN_EXCEPTIONS = frozenset({"KeyboardInterrupt", "SystemExit"})
# Words of a comment that says why failure is acceptable here (not what the code does).
_RATIONALE = re.compile(
    r"best[- ]effort|\bswallow|\bignor(e|ed|es|ing)\b|\bharmless|\bnon-?fatal|\bnot fatal"
    r"|\bfall(s|ing)?[- ]?back|\bfallback|\boptional\b"
    r"|\b(must|should)\s*(not|n't) (block|break|prevent|fail|crash|stop|raise|abort)"
    r"|\bnever (fails?|raises?)\b|\b(may|might|can|could) fail\b|\bok(ay)? to fail",
    re.IGNORECASE,
)
# Phrases of a docstring that make the fallback part of the function's contract.
_DOCUMENTED = re.compile(
    r"best[- ]effort|\bfall(s|ing)?[- ]?back|\bfallback|\bon (any )?(failure|errors?)\b"
    r"|\bnever raises\b|\bdoes not raise\b|\b(if|when)\b[^.]*\b(fails?|cannot|can't|could not)\b",
    re.IGNORECASE,
)
# A docstring that opens by defining when a predicate holds ("True if the database is
# reachable", "Whether ..."): anything short of establishing it is, by contract, False.
_PREDICATE = re.compile(
    r"^\s*(returns?\s+)?(`{0,2}True`{0,2}\s+(if|when|only if|iff)\b|whether\b)", re.IGNORECASE
)
_LOGGING_HOOKS = frozenset({"filter", "emit", "handleError", "format"})
# Methods that give a resource back: failing to close what is going away anyway loses nothing.
_RELEASES = frozenset(
    {"close", "kill", "terminate", "unlink", "rmtree", "disconnect", "shutdown", "cleanup"}
)
_PARSERS = frozenset(
    {
        "int",
        "float",
        "decimal.Decimal",
        "uuid.UUID",
        "dateutil.parser.parse",
        # Evaluates the annotations' strings, which raise whatever the source text makes them.
        "typing.get_type_hints",
        # Identifies an image from its bytes: anything it raises means "not a readable image".
        "PIL.Image.open",
    }
)
# Parsers known by their own name whatever module holds them (``json``, ``orjson``, ``pickle``).
_PARSE_FUNCTIONS = frozenset({"loads", "safe_load", "literal_eval", "strptime", "fromisoformat"})
# Readers of an image's EXIF tags (``_getexif``, ``get_exif_for_file``), not writers
# (``strip_exif``): the tags are the uploaded file's own bytes.
_EXIF_READER = re.compile(r"_?(get|read|load|extract|parse)_?exif(_\w+)?", re.IGNORECASE)
# Serialisation formats: a function named for loading one (``yaml_load``) is a parser.
_FORMATS = frozenset({"json", "yaml", "toml", "xml", "csv", "pickle"})
# Calls that only read or decode a value, allowed inside the parsed argument.
_DATA_ACCESSORS = frozenset(
    {
        "get",
        "decode",
        "encode",
        "strip",
        "str",
        "bytes",
        "b64decode",
        "urlsafe_b64decode",
        "decodebytes",
    }
)
_FAILURE_WORDS = re.compile(
    r"\b(fail(ed|s|ure)?|error|invalid|could not|cannot|unable|bad(ly)?|malformed)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class HandlerSite:
    """An ``except`` clause with the ``try`` that owns it and what surrounds that ``try``."""

    handler: ast.ExceptHandler
    statement: ast.Try  # or ``ast.TryStar`` (Python 3.11+), which has the same fields
    function: Function | None
    # Compound statements between the function (or module) and the ``try``, outermost first.
    enclosing: tuple[ast.stmt, ...]
    # In a ``finally`` block or an ``except KeyboardInterrupt``/``SystemExit`` handler.
    shutting_down: bool


def handler_sites(tree: ast.Module) -> dict[int, HandlerSite]:
    """Every handler of the module by ``id``."""
    sites: dict[int, HandlerSite] = {}
    _collect(tree.body, None, (), False, sites)
    return sites


def _collect(
    stmts: list[ast.stmt],
    function: Function | None,
    enclosing: tuple[ast.stmt, ...],
    shutting_down: bool,
    sites: dict[int, HandlerSite],
) -> None:
    for stmt in stmts:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _collect(stmt.body, stmt, (), False, sites)
            continue
        if isinstance(stmt, ast.ClassDef):
            _collect(stmt.body, None, (), False, sites)
            continue
        inner = (*enclosing, stmt)
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            stmt = cast(ast.Try, stmt)
            for handler in stmt.handlers:
                sites[id(handler)] = HandlerSite(handler, stmt, function, enclosing, shutting_down)
                stopping = shutting_down or _catches_shutdown(handler)
                _collect(handler.body, function, inner, stopping, sites)
            _collect(stmt.finalbody, function, inner, True, sites)
        for block in _blocks(stmt):
            _collect(block, function, inner, shutting_down, sites)


def _blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    for field in ("body", "orelse"):
        block = getattr(stmt, field, None)
        if isinstance(block, list):
            yield block
    if isinstance(stmt, ast.Match):
        for case in stmt.cases:
            yield case.body


def _catches_shutdown(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(last_part(dotted_name(node)) in _SHUTDOWN_EXCEPTIONS for node in types)


def documented_fallback(site: HandlerSite) -> bool:
    """The enclosing function's docstring states the fallback ("Returns {} on any failure"),
    or defines the predicate the handler answers ``False`` to ("True if the database is
    reachable and ..."): failing to establish it is the documented ``False``."""
    if site.function is None:
        return False
    docstring = ast.get_docstring(site.function) or ""
    if _DOCUMENTED.search(docstring) is not None:
        return True
    body = site.handler.body
    returns_false = (
        len(body) == 1
        and isinstance(body[0], ast.Return)
        and isinstance(body[0].value, ast.Constant)
        and body[0].value.value is False
    )
    return returns_false and _PREDICATE.search(docstring) is not None


def explained_above(lines: list[str], site: HandlerSite) -> bool:
    """The comment that opens the paragraph of code holding the ``try`` (or a block around it)
    says why failure is acceptable ("best effort", "must not turn a save into a 500")."""
    return any(
        _RATIONALE.search(comment)
        for anchor in (site.statement, *site.enclosing)
        for comment in _paragraph_comments(lines, anchor.lineno)
    )


def _paragraph_comments(lines: list[str], lineno: int) -> Iterator[str]:
    """Comment lines above the run of code, without a blank line, that leads to ``lineno``."""
    indent = _indentation(lines[lineno - 1])
    index = lineno - 2
    while index >= 0:
        text = lines[index].strip()
        if not text or text.startswith("#") or len(_indentation(lines[index])) < len(indent):
            break
        index -= 1
    while index >= 0 and lines[index].strip().startswith("#"):
        yield lines[index]
        index -= 1


def _indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def retries(site: HandlerSite) -> bool:
    """The ``try`` makes one call and the handler makes it again (``force=True``, other
    arguments) on every path and outside any ``try``: if the failure was not the expected one,
    it happens again and propagates."""
    body = site.statement.body
    attempt = _statement_call(body[0]) if len(body) == 1 else None
    if attempt is None:
        return False
    expected = ast.dump(attempt.func)
    for stmt in site.handler.body:
        call = _statement_call(stmt)
        if call is not None and ast.dump(call.func) == expected:
            return True
        if any(isinstance(node, (ast.Return, ast.Continue, ast.Break)) for node in _tree(stmt)):
            return False
    return False


def _statement_call(stmt: ast.stmt) -> ast.Call | None:
    value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign, ast.Return)) else None
    if isinstance(value, ast.Await):
        value = value.value
    return value if isinstance(value, ast.Call) else None


def _tree(stmt: ast.stmt) -> Iterator[ast.AST]:
    yield stmt
    yield from walk_scope(stmt)


def in_logging_hook(site: HandlerSite) -> bool:
    """``filter``/``emit``/``handleError``/``format(self, record)``: logging's own hooks, which
    must neither raise nor log (that would recurse)."""
    function = site.function
    if function is None or function.name not in _LOGGING_HOOKS:
        return False
    params = function.args.posonlyargs + function.args.args
    return len(params) >= 2 and params[1].arg == "record"


def best_effort_cleanup(site: HandlerSite, signal_handlers: set[str]) -> bool:
    """Releasing a resource, or code on a shutdown path (``finally``, ``__exit__``, a signal
    handler, ``except KeyboardInterrupt``): an error there has nowhere useful to go and raising
    would hide the error or exit already under way."""
    if site.shutting_down:
        return True
    function = site.function
    if function is not None and (
        function.name in ("__exit__", "__aexit__") or function.name in signal_handlers
    ):
        return True
    body = site.statement.body
    if len(body) != 1:
        return False
    call = _statement_call(body[0])
    return (
        call is not None
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in _RELEASES
        and all(isinstance(arg, ast.Constant) for arg in call.args)
    )


def signal_handler_names(tree: ast.Module) -> set[str]:
    """Names of functions installed with ``signal.signal(sig, handler)``."""
    return {
        node.args[1].id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and last_part(dotted_name(node.func)) == "signal"
        and len(node.args) == 2
        and isinstance(node.args[1], ast.Name)
    }


def parses_input(site: HandlerSite, imports: Mapping[str, str]) -> bool:
    """The ``try`` parses or converts a value (``int(raw)``, ``json.loads(request.body)``)
    and at most reads the result without calling anything (``parsed.hostname``): the
    handler's default stands for "not parseable"."""
    first, *rest = site.statement.body
    if any(isinstance(node, ast.Call) for node in walk_statements(rest)):
        return False
    if site.function is not None:
        # Parsers are often imported where they are used (``from PIL import Image``).
        imports = {**imports, **collect_imports(site.function.body)}
    call = _statement_call(first)
    # Reading the parsed value (``get_type_hints(f).get("return")``) calls no other code.
    while (
        call is not None
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in _DATA_ACCESSORS
        and isinstance(call.func.value, ast.Call)
        and _plain_arguments(call, imports)
    ):
        call = call.func.value
    name = None if call is None else qualified_name(call.func, imports)
    if call is None or not (name in _PARSERS or _parser_name(last_part(name))):
        return False
    return _plain_arguments(call, imports)


def _parser_name(function_name: str) -> bool:
    """``loads``, ``strptime``, ``urlparse``, ``parse_date``, ``yaml_load``: names that say the
    function turns text into a value, and nothing else; and readers of an image's EXIF
    (``image.getexif()``, ``get_exif_for_file(upload)``), whose tags come from the file as
    uploaded and break the parser in every way (``KeyError``, ``struct.error``,
    ``ZeroDivisionError``): any failure there means "no readable EXIF"."""
    if function_name in _PARSE_FUNCTIONS or function_name.endswith("parse"):
        return True
    if _EXIF_READER.fullmatch(function_name) is not None:
        return True
    words = function_name.lower().split("_")
    if len(words) != 2:
        return False
    return words[0] == "parse" or (
        not _FORMATS.isdisjoint(words) and not {"load", "loads"}.isdisjoint(words)
    )


def _plain_arguments(call: ast.Call, imports: Mapping[str, str]) -> bool:
    return all(_plain_data(arg, imports) for arg in (*call.args, *(k.value for k in call.keywords)))


def _plain_data(node: ast.expr, imports: Mapping[str, str]) -> bool:
    if isinstance(node, ast.Call):
        name = qualified_name(node.func, imports) or ""
        if name.startswith("django.core.cache.") and last_part(name) == "get":
            # A value read back from the cache may be missing or stale, whatever its key.
            return True
        if last_part(name) not in _DATA_ACCESSORS:
            return False
    return all(_plain_data(child, imports) for child in _child_expressions(node))


def _child_expressions(node: ast.AST) -> Iterator[ast.expr]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr) and not isinstance(child, ast.Lambda):
            yield child
        elif not isinstance(child, ast.expr):
            yield from _child_expressions(child)


def tweaks_private_attribute(site: HandlerSite) -> bool:
    """The ``try`` only sets a private attribute of another object (``client._config.size =
    1024``): an internal that another version of the library may lack, tuned if it is there."""
    body = site.statement.body
    if len(body) != 1 or not isinstance(body[0], ast.Assign) or len(body[0].targets) != 1:
        return False
    target, value = body[0].targets[0], body[0].value
    if not isinstance(target, ast.Attribute) or not isinstance(value, (ast.Constant, ast.Name)):
        return False
    parts = (dotted_name(target) or "").split(".")
    # The object's own internals (``self._state``) are not another library's.
    owner = 2 if parts[0] in ("self", "cls") else 1
    return any(part.startswith("_") and not part.startswith("__") for part in parts[owner:-1])


def tells_user(site: HandlerSite) -> bool:
    """The fallback value is a message saying the operation failed ("Badly formatted YAML"):
    the failure is shown to whoever looks at the result."""
    for stmt in site.handler.body:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.Return)) else None
        if value is None:
            continue
        for node in (value, *walk_scope(value)):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _FAILURE_WORDS.search(node.value)
            ):
                return True
    return False
