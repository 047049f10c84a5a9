"""Reading and parsing one file, with every failure turned into a reason instead of a crash."""

from __future__ import annotations

import ast
import io
import os
import tokenize
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from errguard.fileio import printable_name, read_regular
from errguard.newer_syntax import parse_source


class SourceError(Exception):
    """The file cannot be read, decoded or parsed. Carries a position for the EG001 finding."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = max(line, 1)
        self.column = max(column, 1)


@dataclass
class SourceFile:
    """A file's bytes, decoded lazily: detection parses bytes and needs text only for findings."""

    path: Path
    display: str
    data: bytes
    _encoding: str | None = field(default=None, repr=False)

    @classmethod
    def read(cls, path: Path, display: str | None = None) -> SourceFile:
        try:
            data = read_regular(path)
        except OSError as exc:
            raise SourceError(f"cannot read file: {exc.strerror or exc}") from None
        return cls(path, display if display is not None else display_path(path), data)

    @classmethod
    def from_text(cls, text: str, path: str = "<string>") -> SourceFile:
        return cls(Path(path), path, text.encode("utf-8"), "utf-8")

    @property
    def encoding(self) -> str:
        """The codec to decode and re-encode with; ``utf-8-sig`` keeps a BOM on the way back."""
        if self._encoding is None:
            try:
                self._encoding, _ = tokenize.detect_encoding(io.BytesIO(self.data).readline)
            except SyntaxError as exc:
                raise SourceError(f"cannot decode file: {exc.msg}", exc.lineno or 1) from None
        return self._encoding

    @cached_property
    def text(self) -> str:
        try:
            return self.data.decode(self.encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise SourceError(*_decode_failure(self.data, self.encoding, exc)) from None

    @cached_property
    def lines(self) -> list[str]:
        """Physical lines with their endings, split exactly where Python's tokenizer splits."""
        return io.StringIO(self.text, newline="").readlines()

    def parse(self) -> ast.Module:
        """The tree; raises SourceError, or NewerSyntax when only a newer Python can parse it."""
        try:
            if b"\0" in self.data:
                raise SourceError("source contains a null byte", *_null_position(self.data))
            tree = parse_source(self.data, filename=self.display)
        except SyntaxError as exc:
            raise SourceError(_syntax_reason(exc), exc.lineno or 1, exc.offset or 1) from None
        except RecursionError:
            raise SourceError("file is too deeply nested to parse") from None
        except MemoryError:
            # The parser reports nesting deeper than its stack as a MemoryError too.
            raise SourceError(
                f"file is too deeply nested or too big to parse ({_megabytes(self.data)}; "
                "the parser ran out of memory)"
            ) from None
        except ValueError as exc:
            raise SourceError(f"cannot parse file: {exc}") from None
        # The parser lets any byte through in a comment, but the rules read the text: a file
        # that does not decode is a parse error, not an error in every rule that looks at it.
        _ = self.text
        return tree

    def char_column(self, line: int, byte_offset: int) -> int:
        """Turn an ``ast`` column (UTF-8 bytes) into a character column, both 0-based."""
        if line < 1 or line > len(self.lines):
            return byte_offset
        text = self.lines[line - 1]
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def _megabytes(data: bytes) -> str:
    return f"{len(data) / 1024 / 1024:.3g} MB"


def _syntax_reason(exc: SyntaxError) -> str:
    kind = type(exc).__name__
    return f"{kind}: {exc.msg}"


def _null_position(data: bytes) -> tuple[int, int]:
    offset = data.index(b"\0")
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def _decode_failure(data: bytes, encoding: str, exc: Exception) -> tuple[str, int, int]:
    if isinstance(exc, UnicodeDecodeError):
        offset = exc.start
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        return f"cannot decode file as {encoding}: invalid byte {data[offset]:#04x}", line, column
    return f"cannot decode file: unknown encoding {encoding!r}", 1, 1


def display_path(path: Path, cwd: Path | None = None) -> str:
    """The path as users see it: relative to the working directory when inside it, with ``/``,
    and bytes that are not UTF-8 escaped."""
    base = cwd or Path.cwd()
    absolute = path if path.is_absolute() else base / path
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive on Windows
        return printable_name(absolute.as_posix())
    if relative.startswith(".."):
        return printable_name(absolute.as_posix())
    return printable_name(Path(relative).as_posix())
