"""Helpers for the envelope tests: sample envelopes and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REQUEST_ID = "req-7f3a"


def good_envelope(**changes):
    """A valid standard envelope for HTTP 404; keyword arguments replace or add fields."""
    body = {
        "status": "error",
        "code": "RESOURCE_NOT_FOUND",
        "message": "Order 12 not found",
        "details": {},
        "request_id": REQUEST_ID,
        "timestamp": "2024-01-01T10:00:00Z",
    }
    body.update(changes)
    return body


def good_problem(**changes):
    """A valid RFC 9457 problem details object for HTTP 404."""
    body = {
        "type": "https://errors.example.com/not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "Order 12 not found",
        "instance": "/orders/12",
    }
    body.update(changes)
    return body


class CannedServer:
    """Answers each registered path with a fixed status, headers and body."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.answers = {}
        self._paths = (f"/answer/{number}" for number in itertools.count())

    def url_for(self, status, body, headers=None, content_type="application/json"):
        """A URL answered with ``body`` (dicts and lists are sent as JSON)."""
        if not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        path = next(self._paths)
        all_headers = {"Content-Type": content_type} if content_type else {}
        all_headers.update(headers or {})
        self.answers[path] = (status, all_headers, body)
        return self.base_url + path


class _Handler(BaseHTTPRequestHandler):
    server_version = "CannedServer/1"

    def _answer(self):
        status, headers, body = self.server.canned.answers[self.path]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def canned_server() -> Iterator[CannedServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    host, port = server.server_address[:2]
    server.canned = CannedServer(f"http://{host}:{port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.canned
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
