"""Relay a connection between the client and the real server, byte for byte.

For HTTP the peer asks the server to close after its reply and tells the client the same
(``Connection: close`` in the response head), so every later request opens a new connection
and meets errguard's routing again instead of riding a kept-alive one.
"""

from __future__ import annotations

import selectors
import socket
import threading
from typing import Final

from errguard.faults.wire import HOP_BY_HOP, MAX_HEAD, finish, header_name, reset

_CHUNK: Final = 65536
_SEND_LIMIT: Final = 10.0  # seconds a send may block on a side that stopped reading


class ResponseHeadRewriter:
    """Adds ``Connection: close`` to the server's response head (and to any 1xx before it)."""

    def __init__(self) -> None:
        self._pending = bytearray()
        self._done = False

    def feed(self, data: bytes) -> bytes:
        if self._done:
            return data
        self._pending += data
        out = bytearray()
        while not self._done and (end := self._pending.find(b"\r\n\r\n")) >= 0:
            head = bytes(self._pending[: end + 4])
            del self._pending[: end + 4]
            out += _closing_head(head)
            self._done = not head.startswith(b"HTTP/1.1 1") and not head.startswith(b"HTTP/1.0 1")
        if self._done or len(self._pending) > MAX_HEAD:
            self._done = True
            out += self._pending
            self._pending.clear()
        return bytes(out)

    def flush(self) -> bytes:
        rest = bytes(self._pending)
        self._pending.clear()
        return rest


def _closing_head(head: bytes) -> bytes:
    lines = head[:-4].split(b"\r\n")
    kept = [lines[0], *(line for line in lines[1:] if header_name(line) not in HOP_BY_HOP)]
    return b"\r\n".join([*kept, b"Connection: close", b"", b""])


def relay(
    client: socket.socket,
    upstream: socket.socket,
    first: bytes,
    *,
    rewrite_response: bool,
    closing: threading.Event,
) -> None:
    """Send ``first`` upstream, then copy both ways until the server is done; closes both."""
    rewriter = ResponseHeadRewriter() if rewrite_response else None
    selector = selectors.DefaultSelector()
    broken = False
    try:
        upstream.sendall(first)
        for sock in (client, upstream):
            sock.settimeout(_SEND_LIMIT)
            selector.register(sock, selectors.EVENT_READ, sock)
        while not closing.is_set():
            for key, _ in selector.select(timeout=0.1):
                source: socket.socket = key.data
                data = source.recv(_CHUNK)
                if source is client:
                    if data:
                        upstream.sendall(data)
                    else:
                        selector.unregister(client)
                        upstream.shutdown(socket.SHUT_WR)
                    continue
                if not data:
                    if rewriter is not None:
                        client.sendall(rewriter.flush())
                    return
                client.sendall(data if rewriter is None else rewriter.feed(data))
    except ConnectionResetError:
        broken = True
    except OSError:
        pass
    finally:
        selector.close()
        upstream.close()
        if broken:
            reset(client)
        else:
            finish(client)
