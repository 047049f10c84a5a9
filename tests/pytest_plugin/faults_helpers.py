"""Shared by the fault tests: a real HTTP server on 127.0.0.1 that counts what it is asked,
a guard that keeps every test off the network, and small targets for ``faults.call``."""

from __future__ import annotations

import errno
import json
import socket
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from errguard.faults.matching import ip_literal, is_loopback


class CountingServer:
    """``ThreadingHTTPServer`` answering every request with 200 and a JSON echo; records
    ``(method, path, body)`` of each request it receives."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall between writes

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with server._lock:
                    server.requests.append((self.command, self.path, body))
                payload = json.dumps({"path": self.path, "price": 42}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
            daemon_threads = True

        self._server = Server((host, 0), Handler)
        self.port = self._server.server_address[1]
        self.origin = (
            f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str = "/") -> str:
        return self.origin + path

    @property
    def paths(self) -> list[str]:
        with self._lock:
            return [path for _, path, _ in self.requests]

    def __enter__(self) -> CountingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class Elapsed:
    def __enter__(self) -> Elapsed:
        self._start = time.monotonic()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.monotonic() - self._start


@contextmanager
def offline():
    """Make sure nothing leaves the machine: no DNS for other names, no connection to other
    hosts. errguard's hooks sit on top of these and call them as the 'real' functions."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def local_getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name not in ("localhost", None) and ip_literal(str(name)) is None:
            raise socket.gaierror(socket.EAI_NONAME, f"offline test: no lookup of {name!r}")
        return real_getaddrinfo(host, port, *args, **kwargs)

    def local_connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            raise OSError(errno.ENETUNREACH, f"offline test: no connection to {address!r}")
        return real_connect(sock, address)

    socket.getaddrinfo = local_getaddrinfo
    socket.socket.connect = local_connect
    try:
        yield
    finally:
        socket.getaddrinfo = real_getaddrinfo
        del socket.socket.connect


def retry(function, attempts, errors):
    """Call ``function`` until it does not raise one of ``errors``, at most ``attempts`` times."""
    for attempt in range(attempts):
        try:
            return function()
        except errors:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


# Targets for faults.call ------------------------------------------------------------------


def exchange_rate(currency):
    return {"EUR": 1.1, "GBP": 1.3}[currency]


async def async_exchange_rate(currency):
    return exchange_rate(currency)


class RateClient:
    factor = 2

    def rate(self, currency):
        return exchange_rate(currency) * self.factor

    @classmethod
    def default_factor(cls):
        return cls.factor

    @staticmethod
    def round_rate(value):
        return round(value, 1)


class CachedRateClient(RateClient):
    pass


rate_client = RateClient()
