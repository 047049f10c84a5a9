"""Send one request through whichever test client the sweep was given."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from errguard.envelopes.responses import HTTPX_MODULES, instance_of


def is_django_client(client: object) -> bool:
    return instance_of(client, "django.test.client", "Client")


def send(client: Any, method: str, url: str, body: bytes, content_type: str) -> object:
    """Send through a Django/DRF, Flask, httpx (Starlette/FastAPI) or requests client."""
    headers = {"Content-Type": content_type} if body else {}
    kind = client_kind(client)
    if kind == "django":
        return client.generic(method, url, data=body, content_type=content_type)
    if kind == "werkzeug":
        return client.open(url, method=method, data=body, headers=headers)
    if kind == "httpx":
        return client.request(method, url, content=body or None, headers=headers)
    return client.request(method, url, data=body or None, headers=headers)


def client_kind(client: object) -> str:
    """Which family of test client ``client`` is; ``TypeError`` when none."""
    if is_django_client(client):
        return "django"
    if instance_of(client, "werkzeug.test", "Client"):
        return "werkzeug"
    if any(instance_of(client, module, "Client") for module in HTTPX_MODULES):
        return "httpx"
    if instance_of(client, "requests.sessions", "Session"):
        return "requests"
    raise TypeError(
        "expected a test client from Django, DRF, Flask or Starlette/FastAPI, an httpx.Client or "
        f"a requests.Session, got {type(client).__module__}.{type(client).__qualname__}"
    )


@contextlib.contextmanager
def answering_server_errors(client: Any) -> Iterator[None]:
    """Let Django's test client return the 500 response, as production does, not re-raise."""
    if not is_django_client(client):
        yield
        return
    previous = client.raise_request_exception
    client.raise_request_exception = False
    try:
        yield
    finally:
        client.raise_request_exception = previous
