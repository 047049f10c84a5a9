"""HTTP/1.x on a raw socket, for errguard's peer: read a request, write or break a response."""

from __future__ import annotations

import contextlib
import re
import select
import socket
import struct
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final

MAX_HEAD: Final = 64 * 1024
_CHUNK: Final = 65536
_REQUEST_LINE = re.compile(r"([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP/1\.[01])")
_METHOD_START = re.compile(rb"[A-Z]{1,20}( |$)")
# Headers that tie a connection's life to the client's wishes; the peer closes after one reply.
HOP_BY_HOP: Final = frozenset({b"connection", b"keep-alive", b"proxy-connection"})


class Deadline:
    def __init__(self, seconds: float | None) -> None:
        self._end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        return None if self._end is None else max(0.0, self._end - time.monotonic())


class SocketReader:
    """Buffered reads from a blocking socket; the buffer keeps what was not consumed."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def fill(self, deadline: Deadline) -> bool:
        """Read more; False at end of stream. ``TimeoutError`` when the deadline passes."""
        remaining = deadline.remaining()
        if remaining == 0.0:
            raise TimeoutError("deadline passed")
        self.sock.settimeout(remaining)
        data = self.sock.recv(_CHUNK)
        self.buffer += data
        return bool(data)

    def take(self, size: int | None = None) -> bytes:
        size = len(self.buffer) if size is None else size
        taken = bytes(self.buffer[:size])
        del self.buffer[:size]
        return taken

    def read_exactly(self, size: int, deadline: Deadline) -> bytes:
        while len(self.buffer) < size:
            if not self.fill(deadline):
                raise ConnectionError("the client closed the connection mid-body")
        return self.take(size)

    def read_line(self, deadline: Deadline) -> bytes:
        while (end := self.buffer.find(b"\r\n")) < 0:
            if len(self.buffer) > MAX_HEAD or not self.fill(deadline):
                raise ConnectionError("no line ending in the request body")
        return self.take(end + 2)


@dataclass(frozen=True)
class RequestHead:
    method: str
    target: str
    version: str
    headers: tuple[tuple[str, str], ...]
    raw_lines: tuple[bytes, ...]  # the header lines as received, without CRLF

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def is_upgrade(self) -> bool:
        return self.header("upgrade") is not None or self.method == "CONNECT"

    @property
    def expects_continue(self) -> bool:
        return (self.header("expect") or "").lower() == "100-continue"

    def original(self) -> bytes:
        return self._render(self.raw_lines)

    def closing(self) -> bytes:
        """The head as received, but asking the server to close the connection after replying."""
        kept = [line for line in self.raw_lines if header_name(line) not in HOP_BY_HOP]
        return self._render([*kept, b"Connection: close"])

    def _render(self, lines: Iterable[bytes]) -> bytes:
        request_line = f"{self.method} {self.target} {self.version}".encode("latin-1")
        return b"\r\n".join([request_line, *lines, b"", b""])


def header_name(line: bytes) -> bytes:
    return line.split(b":", 1)[0].strip().lower()


def read_request_head(
    reader: SocketReader, first_byte_wait: float | None, deadline: Deadline
) -> RequestHead | None:
    """The request head, consumed from ``reader``; None, consuming nothing, when the client
    sends nothing within ``first_byte_wait`` or sends something other than HTTP/1.x."""
    try:
        if not reader.buffer and not reader.fill(Deadline(first_byte_wait)):
            return None
        while (end := reader.buffer.find(b"\r\n\r\n")) < 0:
            if not _METHOD_START.match(bytes(reader.buffer[:21])) or len(reader.buffer) > MAX_HEAD:
                return None
            if not reader.fill(deadline):
                return None
    except OSError:
        return None
    head = parse_request_head(bytes(reader.buffer[: end + 4]))
    if head is not None:
        reader.take(end + 4)
    return head


def parse_request_head(raw: bytes) -> RequestHead | None:
    lines = raw.split(b"\r\n")
    request = _REQUEST_LINE.fullmatch(lines[0].decode("latin-1"))
    if request is None:
        return None
    raw_lines = tuple(line for line in lines[1:] if line)
    headers = []
    for line in raw_lines:
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon:
            return None
        headers.append((name.strip(), value.strip()))
    method, target, version = request.groups()
    return RequestHead(method, target, version, tuple(headers), raw_lines)


def read_body(reader: SocketReader, head: RequestHead, deadline: Deadline) -> tuple[bytes, bytes]:
    """``(raw, body)``: the bytes consumed from the client and the decoded request body."""
    if "chunked" in (head.header("transfer-encoding") or "").lower():
        return _read_chunked(reader, deadline)
    length = head.header("content-length")
    if length is None or not length.strip().isdigit():
        return b"", b""
    body = reader.read_exactly(int(length), deadline)
    return body, body


def _read_chunked(reader: SocketReader, deadline: Deadline) -> tuple[bytes, bytes]:
    raw, body = bytearray(), bytearray()
    while True:
        size_line = reader.read_line(deadline)
        raw += size_line
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise ConnectionError("invalid chunk size in the request body") from None
        if size == 0:
            while (trailer := reader.read_line(deadline)) != b"\r\n":
                raw += trailer
            raw += trailer
            return bytes(raw), bytes(body)
        chunk = reader.read_exactly(size + 2, deadline)
        raw += chunk
        body += chunk[:-2]


def response_head(
    status: int, *, content_type: str, length: int, send_length: bool = True
) -> bytes:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Injected"
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}"]
    if send_length:
        lines.append(f"Content-Length: {length}")
    lines += ["Connection: close", "X-Errguard-Fault: injected", "", ""]
    return "\r\n".join(lines).encode("latin-1")


def response(status: int, body: bytes, *, method: str, content_type: str) -> bytes:
    """A complete response; HEAD requests and 204/304 get no body, as HTTP requires."""
    no_body = method == "HEAD" or status in (204, 304)
    head = response_head(
        status, content_type=content_type, length=len(body), send_length=status not in (204, 304)
    )
    return head if no_body else head + body


def reset(sock: socket.socket) -> None:
    """Close with an RST instead of a FIN: the peer sees 'connection reset by peer'."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def finish(sock: socket.socket, linger: float = 1.0) -> None:
    """Close after the client has read everything: half-close, drain until it hangs up."""
    try:
        sock.shutdown(socket.SHUT_WR)
        deadline = Deadline(linger)
        while (remaining := deadline.remaining()) and select.select([sock], [], [], remaining)[0]:
            if not sock.recv(_CHUNK):
                break
    except OSError:
        pass
    sock.close()


def client_gone(sock: socket.socket) -> bool:
    """Whether the client has closed its end (a timed-out client hangs up)."""
    try:
        if not select.select([sock], [], [], 0)[0]:
            return False
        return not sock.recv(1, socket.MSG_PEEK)
    except OSError:
        return True


def wait_for_hangup(sock: socket.socket, closing: threading.Event, limit: float) -> bool:
    """Wait, answering nothing, until the client hangs up (True) or ``limit`` passes (False)."""
    deadline = Deadline(limit)
    while not closing.is_set() and (remaining := deadline.remaining()):
        try:
            readable = select.select([sock], [], [], min(remaining, 0.1))[0]
            if readable and not sock.recv(_CHUNK):
                return True
        except OSError:
            return True
    return closing.is_set()
