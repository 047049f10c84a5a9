"""errguard's peer: a listener on 127.0.0.1 that stands in for one endpoint.

Connections that may need a fault are routed here instead of to the real server. For each, a
thread reads the request head, builds the full URL (host and port from the endpoint, path from
the request line) and either injects the fault or relays the connection to the real server.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import traceback
from typing import Final, Protocol

from errguard.faults.http import FaultedRequest, HttpFault
from errguard.faults.matching import Endpoint, normalize_host, request_url
from errguard.faults.relay import relay
from errguard.faults.wire import (
    Deadline,
    RequestHead,
    SocketReader,
    client_gone,
    finish,
    read_body,
    read_request_head,
    reset,
    response,
    response_head,
    wait_for_hangup,
)

HEAD_LIMIT: Final = 10.0  # seconds to receive a whole request head, or its body
RESET_PAUSE: Final = 0.02  # seconds between a partial response and the reset that breaks it
CLOSE_LIMIT: Final = 2.0  # seconds to wait for the peer's threads when it closes
# How long error="timeout" holds a request when the client never times out. Read when used.
UNANSWERED_LIMIT = 10.0

Address = tuple[str, int]
_peer_thread = threading.local()


def in_peer_thread() -> bool:
    """Whether the caller is one of the peers' threads, whose own connections are real."""
    return getattr(_peer_thread, "active", False)


def address_key(address: object) -> Address | None:
    """``(host, port)`` of a socket address, IPv4-mapped IPv6 written as IPv4."""
    if not isinstance(address, tuple) or len(address) < 2:
        return None
    host = normalize_host(address[0]) if isinstance(address[0], (str, bytes)) else None
    port = address[1]
    return None if host is None or not isinstance(port, int) else (host, port)


class Dispatcher(Protocol):
    """What the peer asks the routing state (see ``intercept``)."""

    def first_byte_wait(self, endpoint: Endpoint) -> float: ...

    def wants(self, url: str) -> bool: ...

    def claim(self, request: FaultedRequest) -> HttpFault | None: ...

    def open_upstream(
        self, endpoint: Endpoint, target: str, client: Address | None
    ) -> socket.socket | None: ...

    def report_error(self, message: str) -> None: ...


class Peer:
    def __init__(self, endpoint: Endpoint, dispatcher: Dispatcher) -> None:
        self.endpoint = endpoint
        self._dispatcher = dispatcher
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self._listener.settimeout(0.25)  # wakes the accept loop even where shutdown() does not
        self.address: Address = self._listener.getsockname()[:2]
        self._acceptor = threading.Thread(
            target=self._accept_loop, name=f"errguard-peer {endpoint.origin('http')}", daemon=True
        )
        self._acceptor.start()

    def close(self) -> None:
        """Stop accepting, break every open connection and wait (briefly) for the threads."""
        self._closing.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            connections, threads = list(self._connections), list(self._threads)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        deadline = Deadline(CLOSE_LIMIT)
        for thread in [self._acceptor, *threads]:
            thread.join(deadline.remaining())

    def wait_idle(self, limit: float) -> None:
        """Wait until the connections being handled now are done (for the network guard)."""
        with self._lock:
            threads = list(self._threads)
        deadline = Deadline(limit)
        for thread in threads:
            thread.join(deadline.remaining())

    def _accept_loop(self) -> None:
        while not self._closing.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                if self._closing.wait(0.05):
                    return
                continue
            thread = threading.Thread(
                target=self._run, args=(connection,), name=self._acceptor.name, daemon=True
            )
            with self._lock:
                if self._closing.is_set():
                    connection.close()
                    return
                self._connections.add(connection)
                self._threads.add(thread)
            thread.start()

    def _run(self, connection: socket.socket) -> None:
        _peer_thread.active = True
        try:
            self._serve(connection)
        except OSError:  # the client hung up or broke the connection: nothing to report
            reset(connection)
        except Exception:
            if not self._closing.is_set():
                self._dispatcher.report_error(
                    f"errguard's peer for {self.endpoint.origin('http')} failed:\n"
                    + traceback.format_exc()
                )
            reset(connection)
        finally:
            connection.close()
            with self._lock:
                self._connections.discard(connection)
                self._threads.discard(threading.current_thread())

    def _serve(self, connection: socket.socket) -> None:
        client = address_key(connection.getpeername())
        reader = SocketReader(connection)
        wait = self._dispatcher.first_byte_wait(self.endpoint)
        head = read_request_head(reader, wait, Deadline(HEAD_LIMIT))
        if head is None:  # TLS, a protocol where the server speaks first, or not HTTP at all
            target = self.endpoint.origin("https" if reader.buffer[:1] == b"\x16" else "tcp")
            self._pass_through(connection, reader.take(), target, client, rewrite=False)
            return
        url = request_url(self.endpoint, head.target)
        raw_body, body = b"", b""
        if not head.expects_continue and not head.is_upgrade and self._dispatcher.wants(url):
            raw_body, body = read_body(reader, head, Deadline(HEAD_LIMIT))
        request = FaultedRequest(head.method, url, head.headers, body)
        fault = None if head.is_upgrade else self._dispatcher.claim(request)
        if fault is None:
            first = (head.original() if head.is_upgrade else head.closing()) + raw_body
            target = f"{head.method} {url}"
            self._pass_through(connection, first + reader.take(), target, client, rewrite=True)
            return
        self._inject(connection, reader, head, fault, raw_body=raw_body, client=client)

    def _inject(
        self,
        connection: socket.socket,
        reader: SocketReader,
        head: RequestHead,
        fault: HttpFault,
        *,
        raw_body: bytes,
        client: Address | None,
    ) -> None:
        if fault.delay and (self._closing.wait(fault.delay) or client_gone(connection)):
            return  # the client gave up (its timeout fired): the server never hears of it
        if fault.error == "timeout":
            if not wait_for_hangup(connection, self._closing, UNANSWERED_LIMIT):
                fault.add_problem(
                    f"the client waited {UNANSWERED_LIMIT:g} s for {head.method} "
                    f"{request_url(self.endpoint, head.target)} without timing out: give it "
                    "a read timeout"
                )
            reset(connection)
        elif fault.error == "reset":
            status = fault.status or 200
            partial = fault.body if fault.body is not None else b'{"items": ['
            announced = len(partial) + 1024
            connection.sendall(
                response_head(status, content_type=_JSON, length=announced) + partial
            )
            if not self._closing.wait(RESET_PAUSE):
                reset(connection)
        elif fault.status is not None or fault.body is not None:
            status = fault.status or 200
            body = fault.body if fault.body is not None else _error_body(status)
            connection.sendall(response(status, body, method=head.method, content_type=_JSON))
            finish(connection)
        else:  # latency only: after the delay the real server answers
            first = head.closing() + raw_body + reader.take()
            target = f"{head.method} {request_url(self.endpoint, head.target)}"
            self._pass_through(connection, first, target, client, rewrite=True)

    def _pass_through(
        self,
        connection: socket.socket,
        first: bytes,
        target: str,
        client: Address | None,
        *,
        rewrite: bool,
    ) -> None:
        upstream = self._dispatcher.open_upstream(self.endpoint, target, client)
        if upstream is None:
            reset(connection)
            return
        relay(connection, upstream, first, rewrite_response=rewrite, closing=self._closing)


_JSON: Final = "application/json"


def _error_body(status: int) -> bytes:
    return b"{}" if status < 400 else b'{"error": "errguard: injected HTTP %d"}' % status
