"""SQL shapes: statements with their literals stripped, so repeats of one query group together.

Tokenising uses ``sqlparse``, which Django already depends on; it is imported on first use,
so projects without Django never load it. Quoted identifiers stay; strings, numbers and
placeholders become ``?``; ``IN (?, ?, ?)`` lists of any length become ``IN (...)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

_VALUE_LIST = re.compile(r"\(\?(?:, \?)*\)")
_REPEATED_LIST = re.compile(r"\(\.\.\.\)(?:, \(\.\.\.\))+")
_SPACE = re.compile(r"\s+")
_MAX_SHOWN = 300


@lru_cache(maxsize=4096)
def shape(sql: str) -> str:
    """``sql`` with every literal and placeholder replaced by ``?`` and whitespace collapsed."""
    from sqlparse import lexer, tokens

    # sqlparse leaves tokenize() unannotated: it yields (token type, text) pairs.
    tokenize: Callable[[str], Iterable[tuple[Any, str]]] = lexer.tokenize

    def is_value(ttype: Any) -> bool:
        if ttype in tokens.Name.Placeholder:
            return True
        return ttype in tokens.Literal and ttype not in tokens.String.Symbol  # "names" stay

    parts: list[str] = []
    for ttype, value in tokenize(sql):
        if ttype in tokens.Comment:
            continue
        if ttype in tokens.Whitespace or ttype in tokens.Newline:
            if parts and parts[-1] != " ":
                parts.append(" ")
        elif is_value(ttype):
            parts.append("?")
        elif ttype in tokens.Keyword:
            parts.append(value.upper())
        else:
            parts.append(value)
    text = "".join(parts).strip()
    text = _VALUE_LIST.sub("(...)", text)
    return _REPEATED_LIST.sub("(...)", text)


def is_read(sql: str) -> bool:
    """True for statements that read rows (``SELECT``, ``WITH ... SELECT``)."""
    head = sql.lstrip()[:6].upper()
    return head == "SELECT" or head[:4] == "WITH"


def _top_level_from(sql: str, start: int) -> int:
    """The index of the first `` FROM `` at parenthesis depth 0 after ``start``, or -1."""
    upper = sql.upper()
    return next((i for i in _top_level_indices(sql, start) if upper.startswith(" FROM ", i)), -1)


def _has_top_level_comma(text: str) -> bool:
    return any(text[index] == "," for index in _top_level_indices(text, 0))


def _top_level_indices(sql: str, start: int) -> Iterator[int]:
    """Indices from ``start`` outside quotes and parentheses (the brackets themselves excluded)."""
    depth = 0
    quote = ""
    for index in range(start, len(sql)):
        char = sql[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            yield index


def display(sql: str) -> str:
    """``sql`` on one line, with a multi-column select list shown as ``...``.

    ``SELECT "a"."id", "a"."name" FROM "a" WHERE ...`` reads ``SELECT ... FROM "a" WHERE ...``;
    single expressions (``COUNT(*)``, ``(1) AS "a"``) stay, as they say what the query does.
    """
    text = _SPACE.sub(" ", sql).strip()
    upper = text[:16].upper()
    if upper.startswith("SELECT "):
        columns_start = len("SELECT DISTINCT ") if upper.startswith("SELECT DISTINCT ") else 7
        from_index = _top_level_from(text, columns_start)
        if from_index != -1 and _has_top_level_comma(text[columns_start:from_index]):
            text = f"{text[:columns_start]}...{text[from_index:]}"
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 3] + "..."
    return text
