"""Read any supported HTTP response into an :class:`HttpAnswer`: status, headers, body bytes.

Supported: Django responses (test client, ``JsonResponse``, DRF ``Response`` rendered or not),
Flask/Werkzeug test responses, ``httpx.Response`` (what Starlette's and FastAPI's ``TestClient``
return, from httpx or its successor httpx2) and ``requests.Response``. Types are recognised
through ``sys.modules``: a library that was never imported cannot have made the response, so
none of them is imported up front.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

HTTPX_MODULES = ("httpx", "httpx2")


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: Mapping[str, str]  # names lower-cased; repeated headers joined with ", "
    body: bytes
    request: str  # "GET /orders/" when the response knows its request, else ""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def media_type(self) -> str:
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str:
        for parameter in (self.header("content-type") or "").split(";")[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return "utf-8"

    @property
    def label(self) -> str:
        described = f"HTTP {self.status}"
        if self.request:
            described += f" to {self.request}"
        if self.header("content-type"):
            described += f" ({self.header('content-type')})"
        return described


def read_response(response: object) -> HttpAnswer:
    """The :class:`HttpAnswer` of ``response``; ``TypeError`` for anything else."""
    for reader in (_read_django, _read_werkzeug, _read_httpx, _read_requests):
        answer = reader(response)
        if answer is not None:
            return answer
    raise TypeError(
        "expected an HTTP response from Django, DRF, Flask, Starlette/FastAPI, httpx or "
        f"requests, got {type(response).__module__}.{type(response).__qualname__}"
    )


def instance_of(value: object, module: str, name: str) -> bool:
    loaded = sys.modules.get(module)
    cls = getattr(loaded, name, None) if loaded is not None else None
    return isinstance(cls, type) and isinstance(value, cls)


def _headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _read_django(response: Any) -> HttpAnswer | None:
    if not instance_of(response, "django.http.response", "HttpResponseBase"):
        return None
    if getattr(response, "is_rendered", True) is False:
        _render(response)
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = bytes(response.content)
    request = getattr(response, "request", None)  # set by Django's test client
    described = ""
    if isinstance(request, dict) and "REQUEST_METHOD" in request:
        query = request.get("QUERY_STRING", "")
        path = request.get("PATH_INFO", "") + (f"?{query}" if query else "")
        described = f"{request['REQUEST_METHOD']} {path}"
    return HttpAnswer(
        int(response.status_code), _headers(response.headers.items()), body, described
    )


def _render(response: Any) -> None:
    """Render a template or DRF response; a DRF ``Response`` built by hand has no renderer yet."""
    if getattr(response, "accepted_renderer", None) is None and hasattr(response, "data"):
        renderers = importlib.import_module("rest_framework.renderers")
        response.accepted_renderer = renderers.JSONRenderer()
        response.accepted_media_type = "application/json"
        response.renderer_context = {}
    response.render()


def _read_werkzeug(response: Any) -> HttpAnswer | None:
    if not instance_of(response, "werkzeug.wrappers.response", "Response"):
        return None
    request = getattr(response, "request", None)
    described = f"{request.method} {request.full_path.rstrip('?')}" if request is not None else ""
    headers = _headers(response.headers.items())
    return HttpAnswer(int(response.status_code), headers, response.get_data(), described)


def _read_httpx(response: Any) -> HttpAnswer | None:
    if not any(instance_of(response, module, "Response") for module in HTTPX_MODULES):
        return None
    body = response.read()
    try:
        described = f"{response.request.method} {response.request.url}"
    except RuntimeError:  # a Response built without a request has none
        described = ""
    headers = _headers(response.headers.multi_items())
    return HttpAnswer(int(response.status_code), headers, body, described)


def _read_requests(response: Any) -> HttpAnswer | None:
    if not instance_of(response, "requests.models", "Response"):
        return None
    request = response.request
    described = f"{request.method} {request.url}" if request is not None else ""
    body = response.content or b""
    return HttpAnswer(
        int(response.status_code), _headers(response.headers.items()), body, described
    )
