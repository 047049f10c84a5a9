"""URL patterns of HTTP faults, and the endpoints (host, port) that connections go to.

Hosts are compared as written in the URL, never resolved: a fault on ``http://localhost:8000``
does not catch a request to ``http://127.0.0.1:8000``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

DEFAULT_PORTS: Final = {"http": 80, "https": 443}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Endpoint:
    """Where a TCP connection goes: a lower-case host name or a compressed IP literal, a port."""

    host: str
    port: int

    def origin(self, scheme: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        if DEFAULT_PORTS.get(scheme) == self.port:
            return f"{scheme}://{host}"
        return f"{scheme}://{host}:{self.port}"

    @property
    def ip(self) -> IPAddress | None:
        return ip_literal(self.host)


def ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """Whether the IP literal ``host`` is a loopback address (IPv4-mapped ones included)."""
    address = ip_literal(host)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address is not None and address.is_loopback


def normalize_host(host: str | bytes) -> str | None:
    """``host`` as :class:`Endpoint` keeps it, or None when it is not a usable host."""
    if isinstance(host, bytes):
        try:
            host = host.decode("idna")
        except UnicodeError:
            return None
    host = host.strip("[]").lower()
    if not host:
        return None
    address = ip_literal(host)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return host if address is None else address.compressed


def endpoint_of(host: str | bytes | None, port: object) -> Endpoint | None:
    """The endpoint of a ``getaddrinfo``/``connect`` call, or None when it is not TCP-shaped."""
    if host is None:
        return None
    if isinstance(port, (str, bytes)) and port.isdigit():
        port = int(port)
    if not isinstance(port, int) or not 0 < port < 65536:
        return None
    name = normalize_host(host)
    return None if name is None else Endpoint(name, port)


def request_url(endpoint: Endpoint, target: str) -> str:
    """The full URL of an HTTP request sent over a plain connection to ``endpoint``."""
    if "://" in target:
        return target
    return endpoint.origin("http") + (target if target.startswith("/") else f"/{target}")


@dataclass(frozen=True)
class UrlPattern:
    """A URL prefix (``http://host[:port]/path``) or a compiled regex tried with ``match``."""

    source: str | re.Pattern[str]
    scheme: str | None = None
    endpoint: Endpoint | None = None
    prefix: str = ""

    @property
    def regex(self) -> re.Pattern[str] | None:
        return self.source if isinstance(self.source, re.Pattern) else None

    @property
    def is_origin(self) -> bool:
        """Whether a string pattern names only scheme, host and port (no path or query)."""
        return (
            self.endpoint is not None
            and self.scheme is not None
            and (self.prefix == self.endpoint.origin(self.scheme) + "/")
        )

    def matches(self, url: str) -> bool:
        if self.regex is not None:
            return self.regex.match(url) is not None
        return url.startswith(self.prefix)

    def may_target(self, endpoint: Endpoint) -> bool:
        """Whether requests over a connection to ``endpoint`` could match (a regex: any)."""
        return self.regex is not None or self.endpoint == endpoint

    def origin_at(self, endpoint: Endpoint) -> str | None:
        """The origin URL this pattern matches for a connection to ``endpoint``, if any.

        The scheme is not known when a connection opens, so a regex is tried with both.
        """
        if self.regex is None:
            if self.endpoint != endpoint or self.scheme is None:
                return None
            return endpoint.origin(self.scheme) + "/"
        for scheme in DEFAULT_PORTS:
            origin = endpoint.origin(scheme) + "/"
            if self.regex.match(origin):
                return origin
        return None

    def __str__(self) -> str:
        return self.source if isinstance(self.source, str) else self.source.pattern


def parse_pattern(url: str | re.Pattern[str]) -> UrlPattern:
    """``ValueError`` for anything but an ``http(s)://`` URL with a host, or a compiled regex."""
    if isinstance(url, re.Pattern):
        return UrlPattern(url)
    if not isinstance(url, str):
        raise TypeError(f"url must be a str or a compiled regex, got {type(url).__name__}")
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"url must be an http:// or https:// URL with a host, got {url!r}")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise ValueError(f"url has an invalid port: {url!r}") from None
    host = normalize_host(parts.hostname)
    if host is None:
        raise ValueError(f"url has an invalid host: {url!r}")
    endpoint = Endpoint(host, port)
    prefix = endpoint.origin(scheme) + (parts.path or "/")
    if parts.query:
        prefix += f"?{parts.query}"
    return UrlPattern(url, scheme, endpoint, prefix)
