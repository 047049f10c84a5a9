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
# Statements that manage transactions and constraint checks rather than read or write data.
_BOOKKEEPING = re.compile(
    r"""\s*(?:
        (?:BEGIN|COMMIT|ROLLBACK)(?:\s+(?:DEFERRED|IMMEDIATE|EXCLUSIVE|TRANSACTION|WORK))?
        | (?:SAVEPOINT|RELEASE(?:\s+SAVEPOINT)?|ROLLBACK\s+TO(?:\s+SAVEPOINT)?)\s+\S+
        | SET\s+CONSTRAINTS\s+.+?\s+(?:IMMEDIATE|DEFERRED)
        | PRAGMA\s+foreign_keys(?:\s*=\s*(?:ON|OFF))?
        | PRAGMA\s+foreign_key_check(?:\s*\(\s*\S+\s*\))?
    )\s*;?\s*""",
    re.IGNORECASE | re.VERBOSE,
)


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


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")


def is_write(sql: str) -> bool:
    """True for statements that change rows (``INSERT``, ``UPDATE``, ``DELETE``, ``REPLACE``)."""
    return sql.lstrip()[:6].upper().startswith(_WRITES)


def is_bookkeeping(sql: object, params: object) -> bool:
    """True for the statements Django runs to manage transactions and constraint checks.

    ``BEGIN``/``COMMIT``/``ROLLBACK``, savepoints, PostgreSQL's ``SET CONSTRAINTS`` and
    SQLite's foreign-key pragmas. Whether Django sends them through a cursor depends on the
    backend (SQLite's ``BEGIN``; psycopg sends its own, and every driver its ``COMMIT``) and on
    the test (``SAVEPOINT`` only inside another atomic block such as a test's transaction; a
    ``TestCase`` checks constraints after each test: one pragma on SQLite, two ``SET
    CONSTRAINTS`` on PostgreSQL). So they are neither counted nor failed, and a budget or a
    fault means the same on every backend. They never take parameters, and ORM queries always
    pass a sequence of them, so for those this costs one comparison.
    """
    return params is None and isinstance(sql, str) and _BOOKKEEPING.fullmatch(sql) is not None


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
