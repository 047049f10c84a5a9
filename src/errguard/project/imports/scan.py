"""A fast over-approximation of a module's imports, read from its bytes without parsing.

Parsing every file of a large project costs more than the whole cycle analysis, and most
files cannot be in a cycle. The scan finds every import statement a file may hold, anywhere
(in functions, in strings too): a superset of the real edges. Only files that this superset
puts on a cycle are parsed. A test checks that every parsed import is among the scanned ones.

It looks at each ``import`` keyword: what precedes it on its logical line (``from X`` or the
start of a statement) and what follows it (a parenthesised list or the rest of the line).
"""

from __future__ import annotations

import re

from errguard.project.modules import resolve_relative

_KEYWORD = re.compile(rb"\bimport\b")
# What may precede the keyword, from the start of its statement (a line, ``;`` or ``:``).
_FROM = re.compile(rb"(?:^|[;:])[ \t\f]*from[ \t\f]*(\.[\w.\x80-\xff]*|[\w.\x80-\xff]+)[ \t\f]*$")
_PLAIN = re.compile(rb"(?:^|[;:])[ \t\f]*$")
_NAMES = re.compile(rb"[ \t\f]*(\((?:[^)#]|#[^\n]*)*\)|(?:[^\n;#\\]|\\\r?\n)*)")
_COMMENT = re.compile(rb"#[^\n]*")
_SEPARATORS = re.compile(rb"[\s,()\\]+")
_CONTINUATION = re.compile(rb"\\\r?\n")

ScannedImport = tuple[str, tuple[str, ...], bool]  # (absolute module, names, is from-import)


def scan_imports(data: bytes, module: str, *, is_package: bool) -> list[ScannedImport]:
    """``(module, names, is_from)`` for each import-looking statement in ``data``."""
    found: list[ScannedImport] = []
    for keyword in _KEYWORD.finditer(data):
        before = _CONTINUATION.sub(b" ", data[_line_start(data, keyword.start()) : keyword.start()])
        names_match = _NAMES.match(data, keyword.end())
        words = [w for w in _words(names_match.group(1) if names_match else b"") if w != "as"]
        source = _FROM.search(before)
        if source is not None:
            relative = source.group(1).decode("utf-8", "replace")
            target = resolve_relative(relative, module, is_package=is_package)
            found.append((target, tuple(words), True))
        elif _PLAIN.search(before):
            found.extend((word, (), False) for word in words)
    return found


def _line_start(data: bytes, position: int) -> int:
    """Where the logical line holding ``position`` starts (backslash continuations joined)."""
    start = data.rfind(b"\n", 0, position)
    while start > 0 and (data[start - 1 : start] == b"\\" or data[start - 2 : start] == b"\\\r"):
        start = data.rfind(b"\n", 0, start - 1)
    return start + 1


def _words(text: bytes) -> list[str]:
    cleaned = _COMMENT.sub(b"", text)
    return [w.decode("utf-8", "replace") for w in _SEPARATORS.split(cleaned) if w]
