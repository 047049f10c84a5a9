"""The leak scan's detectors: one anchored regular expression each, written for precision.

Ordinary messages such as "Order 12 not found", "Please select one from the list", "Basic
information is missing" or a UUID never match: secrets are recognised by a known prefix
(``sk_live_``, ``AKIA``, ``xoxb-``, ``AIza``, ``eyJ``), by a name in front of them
(``password=``, ``SECRET_KEY =``, ``Authorization:``, a quoted ``"api_key": "..."``) or by
their encoding (Basic credentials decode to ``user:password``). A value under a credential's
name counts only when it looks like one: no spaces, not a word or an error code. Every
repetition that can backtrack is bounded, so a scan stays linear in the size of its input
(``bench/bench_leak_scan.py`` measures it).

Secrets are shown with the secret itself replaced by ``****`` (the ``secret`` group), so test
output never spreads any part of one.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass

_IDENTIFIER = r"""(?:"[^"\n]{1,128}"|`[^`\n]{1,128}`|\[[^\]\n]{1,128}\]|[A-Za-z_][\w$]{0,127})"""
_NAME = rf"{_IDENTIFIER}(?:\.(?:{_IDENTIFIER}|\*)){{0,4}}"
# A name with a mark English words do not have: quotes, brackets or a dot between parts.
_MARKED_NAME = rf"""(?=[`"\[]|[A-Za-z_][\w$]*\.[A-Za-z_`"\[]){_NAME}"""
_COLUMN = rf"(?:\*|\w+\([^()\n]{{0,128}}\)|{_NAME})(?:\s+AS\s+{_IDENTIFIER})?"
_COLUMNS = rf"{_COLUMN}(?:\s*,\s*{_COLUMN})*"
# A condition: a comparison operator, or IS [NOT] NULL, IN (, LIKE '…, BETWEEN … AND.
_CONDITION = (
    rf"\s+WHERE\s+{_NAME}(?:\s*(?:=|<>|!=|<=|>=|<|>)"
    r"|\s+(?:IS\s+(?:NOT\s+)?NULL\b|IN\s*\(|LIKE\s+['\"%?:$]|BETWEEN\s+\S+\s+AND\b))"
)
# What follows the table of a real query: a condition, a join, an ordering or a limit.
_CLAUSE = (
    rf"{_CONDITION}"
    rf"|\s+(?:(?:INNER|LEFT|RIGHT|FULL|CROSS|OUTER)\s+)*JOIN\s+{_NAME}"
    rf"(?:\s+(?:AS\s+)?{_IDENTIFIER})?\s+(?:ON|USING)\b"
    rf"|\s+(?:ORDER|GROUP)\s+BY\s+{_NAME}|\s+LIMIT\s+\d+|\s*;"
)


def _sql() -> re.Pattern[str]:
    select = (
        rf"\bSELECT\s+(?:DISTINCT\s+)?(?P<columns>{_COLUMNS})\s+FROM\s+(?P<table>{_NAME})"
        rf"(?P<tail>{_CLAUSE})?"
    )
    insert = (
        rf"\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+{_NAME}\s*(?:\(\s*{_NAME}(?:\s*,\s*{_NAME})*\s*\)\s*)?"
        rf"(?:VALUES\s*\(|SELECT\s+{_COLUMNS}\s+FROM\b|DEFAULT\s+VALUES\b)"
    )
    update = rf"\bUPDATE\s+{_NAME}\s+SET\s+{_NAME}\s*="
    delete = rf"\bDELETE\s+FROM\s+(?:{_MARKED_NAME}|{_NAME}(?:{_CONDITION}|\s*;))"
    return re.compile(f"{select}|{insert}|{update}|{delete}", re.IGNORECASE)


def _is_sql(match: re.Match[str]) -> bool:
    """A SELECT needs a sign of SQL: ``*``, a quoted or dotted name, a call, or a clause."""
    if match.group("columns") is None:
        return True  # INSERT, UPDATE or DELETE: their patterns are specific enough
    columns, table = match.group("columns"), match.group("table")
    return bool(
        match.group("tail") or re.search(r"[*\"`\[.(]", columns) or re.search(r"[\"`\[.]", table)
    )


_EXCEPTION_NAME = (
    r"(?:[A-Za-z_]\w*\.){0,8}(?:[A-Z]\w*(?:Error|Exception|Warning|Exit|Interrupt)"
    r"|DoesNotExist|MultipleObjectsReturned|StopIteration)"
)


def _whole(match: re.Match[str]) -> str:
    return match.group(0)


def _first_line(match: re.Match[str]) -> str:
    return match.group(0).split("\n", 1)[0]


def _redacted(match: re.Match[str]) -> str:
    """The match with its ``secret`` group replaced by ``****``."""
    start, end = match.span()
    secret_start, secret_end = match.span("secret")
    text = match.string
    return f"{text[start:secret_start]}****{text[secret_end:end]}"


@dataclass(frozen=True)
class Detector:
    kind: str
    description: str
    pattern: re.Pattern[str]
    shown: Callable[[re.Match[str]], str] = _whole
    accept: Callable[[re.Match[str]], bool] = bool  # a match is truthy: every match counts


def _secret(name: str, pattern: str, accept: Callable[[re.Match[str]], bool] = bool) -> Detector:
    return Detector("secret", f"a secret ({name})", re.compile(pattern), _redacted, accept)


def _is_basic_credentials(match: re.Match[str]) -> bool:
    """Basic credentials are base64 of ``user:password``; "Basic plan" is not base64 of that."""
    try:
        decoded = base64.b64decode(match.group("secret"), validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded and decoded.isascii() and decoded.decode().isprintable()


_DJANGO_KEY_CHARS = r"a-z0-9!@#$%^&*(\-_=+)"  # django.core.management.utils.get_random_secret_key
_DJANGO_KEY_SYMBOLS = frozenset("!@#$^*()")  # rare outside such keys, even in URLs


def _looks_like_a_django_key(match: re.Match[str]) -> bool:
    key = match.group("secret")
    symbols = sum(char in _DJANGO_KEY_SYMBOLS for char in key)
    digits = sum(char.isdigit() for char in key)
    return symbols >= 3 and digits >= 3


# What stands for a secret in documentation and examples rather than being one.
_PLACEHOLDER = r"(?:\*+|x{3,}|X{3,}|<[^>\s]{0,64}>|\{[^}\s]{0,64}\}|\$\{?\w{1,64}\}?|…|\.\.\.)"
_QUOTE = r"""\\{0,3}["']?"""  # an optional quote, JSON-escaped up to twice

# The last word of a key or argument name that holds a credential: ``password``,
# ``db_password``, ``apiKey``, ``x-api-key``, ``client_secret``, ``access_token``.
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:password|passwd|pwd|passphrase|secret|token|secret_key|api_?key|private_key)$"
)
_CAMEL_CASE_STEP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NAME_SEPARATORS = re.compile(r"[\s.\-]+")
# Words and error codes (``required``, ``too_short``, ``INVALID``, ``Expired``) are what an
# error says about such a field, not its value.
_WORD_OR_CODE = re.compile(r"[A-Za-z]+(?:[_\-.][A-Za-z]+)*")
_STANDS_IN = re.compile(rf"{_PLACEHOLDER}|\[[A-Za-z _-]{{1,32}}\]")


NAMED_SECRET = "credential by its name"


def is_secret_name(name: str) -> bool:
    """Whether a key or argument called ``name`` holds a credential."""
    words = _NAME_SEPARATORS.sub("_", _CAMEL_CASE_STEP.sub("_", name)).lower()
    return bool(_SECRET_NAME.search(words))


def looks_like_a_secret(value: str) -> bool:
    """Whether a value named like a credential is one: 6 to 256 characters with no space (a
    message about the field has spaces), not a word or an error code, not a placeholder
    (``****``, ``<token>``, ``[REDACTED]``)."""
    return (
        6 <= len(value) <= 256
        and not any(char.isspace() for char in value)
        and not _WORD_OR_CODE.fullmatch(value)
        and not _STANDS_IN.fullmatch(value)
    )


def _is_named_secret(match: re.Match[str]) -> bool:
    return is_secret_name(match.group("name")) and looks_like_a_secret(match.group("secret"))


SECRETS = (
    _secret("API key", r"\b(?:sk|rk)_(?:live|test)_(?P<secret>[0-9A-Za-z]{10,})\b"),
    _secret("Bearer token", r"(?i:\bBearer)\s+(?=[\w\-.~+/]*\d)(?P<secret>[\w\-.~+/]{16,}=*)"),
    _secret(
        "Basic credentials",
        r"\bBasic\s+(?P<secret>[A-Za-z0-9+/]{4,}={0,2})(?![\w+/=])",
        _is_basic_credentials,
    ),
    _secret("API token", r"\bToken\s+(?P<secret>[0-9a-f]{40})\b"),
    _secret(
        "Authorization header",
        rf"(?i:\bAuthorization){_QUOTE}\s*[:=]\s*{_QUOTE}(?:[A-Za-z][\w-]{{0,20}}\s+)?"
        rf"(?!{_PLACEHOLDER})(?=[^\s\"'\\,;]{{0,256}}\d)(?P<secret>[^\s\"'\\,;]{{8,256}})",
    ),
    Detector(
        "secret",
        "a secret (private key)",
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
    ),
    # The password runs to the last "@" before the host (passwords hold "@" and "/" too); a
    # port ("host:8080/path@v2") is not one.
    _secret(
        "password in a URL",
        rf"\b[a-z][a-z0-9+.\-]{{0,30}}://[^\s/:@]{{0,256}}:(?!{_PLACEHOLDER}@)"
        r"(?!\d{1,5}(?:[/?#\s]|$))(?P<secret>\S{1,256})@[\w\-]+(?:\.[\w\-]+)*",
    ),
    _secret(
        "password",
        rf"(?i:\b(?:password|passwd|pwd))=(?!{_PLACEHOLDER}(?:[\s&;'\"]|$))"
        r"(?P<secret>[^\s&;'\"]{1,256})",
    ),
    _secret("AWS access key", r"\b(?:AKIA|ASIA)(?P<secret>[0-9A-Z]{16})\b"),
    _secret(
        "AWS secret key",
        rf"(?i:\b(?:aws_?)?secret_?access_?key){_QUOTE}\s*[:=]\s*{_QUOTE}"
        r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
    ),
    _secret(
        "GitHub token",
        r"\b(?:gh[pousr]_(?=[A-Za-z0-9]{36}\b)|github_pat_(?=[A-Za-z0-9_]{22}))"
        r"(?P<secret>[A-Za-z0-9_]{22,})",
    ),
    _secret("Slack token", r"\bxox[abpors]-(?P<secret>[A-Za-z0-9-]{10,})"),
    _secret("Slack webhook", r"\bhooks\.slack\.com/services/(?P<secret>[A-Za-z0-9/_-]{20,})"),
    _secret("Google API key", r"\bAIza(?P<secret>[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])"),
    _secret("webhook signing secret", r"\bwhsec_(?P<secret>[A-Za-z0-9+/=]{20,})"),
    _secret(
        "JWT",
        r"\b(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)",
    ),
    _secret("Django SECRET_KEY", r"\bdjango-insecure-(?P<secret>[^\s'\"\\]{20,256})"),
    _secret(
        "Django SECRET_KEY",
        rf"\bSECRET_KEY{_QUOTE}\s*[:=]\s*{_QUOTE}(?!{_PLACEHOLDER})"
        r"(?P<secret>[^\s'\"\\]{8,256})",
    ),
    _secret(
        "Django SECRET_KEY",
        rf"(?<![{_DJANGO_KEY_CHARS}])(?P<secret>[{_DJANGO_KEY_CHARS}]{{50}})"
        rf"(?![{_DJANGO_KEY_CHARS}])",
        _looks_like_a_django_key,
    ),
    # A quoted value under a credential's name, in JSON or a repr written into a message
    # ({"password": "hunter2"}, {\"api_key\": \"...\"}, connect(password='hunter2')).
    _secret(
        NAMED_SECRET,
        rf"(?<![\w\\]){_QUOTE}(?P<name>[A-Za-z_][\w.\-]{{0,63}}){_QUOTE}"
        r"[ \t]{0,16}[:=][ \t]{0,16}"
        r"""\\{0,3}["'](?P<secret>[^"'\\\s]{1,256})\\{0,3}["']""",
        _is_named_secret,
    ),
)

OTHERS = (
    # A whole traceback is one leak (its paths and last line are part of it), shown by its first
    # line; a File line alone counts too, also JSON-escaped (File \"/app/x.py\", line 3).
    Detector(
        "traceback",
        "a Python traceback",
        re.compile(
            r"Traceback \(most recent call last\):(?:\n[ \t]+[^\n]*)*(?:\n[A-Za-z_][^\n]*)?"
            r"|\bFile \\{0,7}\"[^\"\n]{1,1024}\", line \d+"
        ),
        _first_line,
    ),
    Detector("sql", "an SQL statement", _sql(), accept=_is_sql),
    Detector(
        "exception-repr",
        "an exception repr",
        re.compile(
            r"\bErrorDetail\(string=(?:[^()\n]|\([^()\n]*\))*\)?"
            rf"|\b{_EXCEPTION_NAME}\((?:\)|[bru]?['\"]|-?\d|[<\[{{])(?:[^()\n]|\([^()\n]*\))*\)?"
        ),
    ),
    # The last line of a traceback, as str(exception) prefixed with its type gives it.
    Detector(
        "exception-repr",
        "an exception line",
        re.compile(rf"\b{_EXCEPTION_NAME}:[ \t]+[^\s][^\n]{{0,80}}"),
    ),
    Detector(
        "sql",
        "a database error message",
        re.compile(
            r"\bduplicate key value violates unique constraint\b"
            r"|\bviolates (?:foreign key|not-null|check|exclusion|unique) constraint\b"
            r"|\b(?:UNIQUE|NOT NULL|CHECK|FOREIGN KEY|PRIMARY KEY) constraint failed\b"
            r"|\bDuplicate entry '[^'\n]{0,256}' for key\b"
        ),
    ),
    Detector(
        "source-path",
        "a source file path",
        re.compile(
            r"(?<![\w.~:/\\-])/(?:[\w.@+\-]+/)+[\w.@+\-]+\.py[cw]?\b"
            # Windows: drive or UNC (\\server\share, \\?\C:), names with spaces, JSON-escaped
            # separators (C:\\app\\x.py).
            r"|(?:\b[A-Za-z]:|(?<![\w\\])\\\\(?:[?.]\\{1,2})?(?:[A-Za-z]:|[\w.$\-]+))"
            r"\\{1,2}(?:[^\\\n:*?\"<>|]{1,255}\\{1,2})+[^\\\n:*?\"<>|]{0,255}?\.py[cw]?\b"
        ),
    ),
)
