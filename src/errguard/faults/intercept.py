"""Connection-level interception: where TCP connections go while HTTP faults or the network
guard are active.

Two hooks sit beneath every client (http.client/urllib.request, urllib3/requests, httpx sync
and async through httpcore and anyio), installed once while anything needs them:

- ``socket.getaddrinfo``: a host *name* that a fault targets resolves to a placeholder
  loopback address standing for that name, so no DNS is needed for made-up hosts;
- ``socket.socket.connect``/``connect_ex``: where every decision is made, for placeholders and
  for IP literals alike (anyio and asyncio skip ``getaddrinfo`` for those): the connection is
  refused (sent to a port nobody listens on), raises the fault's exception, goes to errguard's
  peer for that endpoint, or goes where it was going.

The clients' own code then runs unchanged: they open a real socket, send a real request and
read a real answer or a real error, so their retries, timeouts and pools behave as with a
remote server.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, Protocol

from errguard.faults.callsite import call_site
from errguard.faults.http import FaultedRequest, HttpFault
from errguard.faults.matching import Endpoint, endpoint_of, is_loopback
from errguard.faults.patching import replace_attribute, restore_displaced
from errguard.faults.peer import HEAD_LIMIT, Address, Peer, address_key, in_peer_thread

SNIFF_WAIT: Final = 0.5  # seconds a peer waits for a client's first bytes on an unnamed host
UPSTREAM_CONNECT_LIMIT: Final = 10.0
_GUARD_DRAIN_LIMIT: Final = 2.0
# Host names that errguard decides about resolve to 127.77.x.y; nothing listens there.
_PLACEHOLDER_PREFIX: Final = "127.77."

AddrInfo = list[tuple[Any, Any, int, str, Any]]


class Guard(Protocol):
    """What the interception needs of an active network guard (``network.NetworkGuard``):
    somewhere to record each connection it blocked, with the call site that made it."""

    def record(self, target: str, call_site: str | None) -> None: ...


@dataclass(frozen=True)
class _Route:
    address: Address | None = None  # where to connect instead
    error: BaseException | None = None
    to_peer: bool = False


class _State:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.users = 0
        self.installation: object | None = None  # a token per installation of the hooks
        self.restore: list[Callable[[], None]] = []
        self.http_faults: list[HttpFault] = []
        self.guards: list[Guard] = []
        self.peers: dict[Endpoint, Peer] = {}
        self.placeholders: dict[str, str] = {}  # host name -> placeholder IP
        self.placeholder_names: dict[str, str] = {}  # placeholder IP -> host name
        self.refuser: socket.socket | None = None
        self.refuser_address: Address | None = None
        self.blocked: set[Endpoint] = set()
        self.call_sites: dict[Address, str] = {}
        self.errors: list[str] = []
        self.original_getaddrinfo: Callable[..., AddrInfo] = socket.getaddrinfo
        self.original_connect: Callable[[socket.socket, Any], None] = socket.socket.connect
        self.original_connect_ex: Callable[[socket.socket, Any], int] = socket.socket.connect_ex


_state = _State()


def is_installed() -> bool:
    with _state.lock:
        return _state.users > 0


def take_errors() -> list[str]:
    """Failures inside the peers since the last call (they would otherwise go unseen)."""
    with _state.lock:
        errors, _state.errors = _state.errors, []
    return errors


@contextmanager
def http_fault_active(fault: HttpFault) -> Iterator[None]:
    acquired = False
    try:
        with _state.lock:
            _acquire()
            acquired = True
            _state.http_faults.append(fault)
        yield
    finally:
        if acquired:
            with _state.lock:
                _state.http_faults.remove(fault)
            _release()


@contextmanager
def guard_active(guard: Guard) -> Iterator[None]:
    acquired = False
    try:
        with _state.lock:
            _acquire()
            acquired = True
            _state.guards.append(guard)
        yield
    finally:
        if acquired:
            with _state.lock:
                blocked_peers = [_state.peers[e] for e in _state.blocked if e in _state.peers]
            for peer in blocked_peers:  # let connections already routed report their URL
                peer.wait_idle(_GUARD_DRAIN_LIMIT)
            with _state.lock:
                _state.guards.remove(guard)
                if not _state.guards:
                    _state.blocked.clear()
            _release()


def _acquire() -> None:
    if _state.users == 0:
        _install()
    _state.users += 1


def _release() -> None:
    with _state.lock:
        _state.users -= 1
        if _state.users:
            return
        peers = list(_state.peers.values())
        refuser = _state.refuser
        restore = _state.restore
        _state.installation = None
        _state.peers, _state.restore = {}, []
        _state.placeholders, _state.placeholder_names = {}, {}
        _state.refuser = _state.refuser_address = None
        _state.call_sites.clear()
        try:
            while restore:
                restore.pop()()
        finally:
            if refuser is not None:
                refuser.close()
    for peer in peers:  # outside the lock: their threads may be waiting for it
        peer.close()


def _install() -> None:
    restore_displaced()
    _state.installation = installation = object()
    _state.original_getaddrinfo = socket.getaddrinfo
    _state.original_connect = socket.socket.connect
    _state.original_connect_ex = socket.socket.connect_ex
    # A bound socket that never listens: connecting to it is refused by the kernel itself.
    refuser = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    refuser.bind(("127.0.0.1", 0))
    _state.refuser, _state.refuser_address = refuser, refuser.getsockname()[:2]
    for owner, name, hook, original in (
        (socket, "getaddrinfo", _getaddrinfo, _state.original_getaddrinfo),
        (socket.socket, "connect", _connect, _state.original_connect),
        (socket.socket, "connect_ex", _connect_ex, _state.original_connect_ex),
    ):
        patched = _while_installed(installation, hook, original)
        _state.restore.append(replace_attribute(owner, name, patched))


def _while_installed(
    installation: object, hook: Callable[..., Any], original: Callable[..., Any]
) -> Callable[..., Any]:
    """``hook`` while this installation lasts, then ``original``: another patcher may put the
    returned function back after errguard let go (see ``patching``), and a later installation
    may then find it as its original. Calling what it replaced, never the current state's
    original, it cannot call itself."""

    def patched(*args: Any, **kwargs: Any) -> Any:
        if _state.installation is installation:
            return hook(*args, **kwargs)
        return original(*args, **kwargs)

    return patched


def _getaddrinfo(  # noqa: PLR0917 - the signature of socket.getaddrinfo
    host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
) -> AddrInfo:
    """A targeted host name resolves to a placeholder loopback address that only ``_connect``
    knows: no DNS for made-up hosts, and the name survives until the connection is decided."""
    original = _state.original_getaddrinfo
    endpoint = None
    if not in_peer_thread() and type in (0, socket.SOCK_STREAM):
        endpoint = endpoint_of(host, port)
    if endpoint is None or endpoint.ip is not None:  # IP literals are decided at connect()
        return original(host, port, family, type, proto, flags)
    if not _targeted(endpoint):
        if not _guarding():
            return original(host, port, family, type, proto, flags)
        try:
            infos = original(host, port, family, type, proto, flags)
        except OSError:
            infos = []
        if infos and all(is_loopback(str(info[4][0])) for info in infos):
            return infos
        with _state.lock:
            _state.blocked.add(endpoint)
    placeholder = _placeholder_for(endpoint.host)
    if family == socket.AF_INET6:
        mapped = (f"::ffff:{placeholder}", endpoint.port, 0, 0)
        return [(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", mapped)]
    address = (placeholder, endpoint.port)
    return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", address)]


def _connect(sock: socket.socket, address: Any) -> None:
    target, to_peer = _reroute(sock, address)
    if not to_peer:
        return _state.original_connect(sock, target)
    site = _call_site()
    try:
        return _state.original_connect(sock, target)
    finally:
        _remember_call_site(sock, site)


def _connect_ex(sock: socket.socket, address: Any) -> int:
    target, to_peer = _reroute(sock, address)
    if not to_peer:
        return _state.original_connect_ex(sock, target)
    site = _call_site()
    try:
        return _state.original_connect_ex(sock, target)
    finally:
        _remember_call_site(sock, site)


def _reroute(sock: socket.socket, address: Any) -> tuple[Any, bool]:
    """Where ``sock`` connects instead of ``address``, and whether that is a peer."""
    if (
        in_peer_thread()
        or sock.family not in (socket.AF_INET, socket.AF_INET6)
        or sock.type != socket.SOCK_STREAM
        or not isinstance(address, tuple)
    ):
        return address, False
    key = address_key(address)
    if key is None:
        return address, False
    with _state.lock:
        name = _state.placeholder_names.get(key[0])
    endpoint = Endpoint(name or key[0], key[1])
    route = _route(endpoint)
    if route is None:
        if name is not None:  # only the peer can reach the real host behind a placeholder
            with _state.lock:
                route = _Route(_peer_for(endpoint).address, to_peer=True)
        elif not _guarding() or _is_loopback_endpoint(endpoint):
            return address, False
        else:
            route = _block(endpoint)
    if route.error is not None:
        raise route.error
    assert route.address is not None
    if sock.family == socket.AF_INET6:
        return (f"::ffff:{route.address[0]}", route.address[1], 0, 0), route.to_peer
    return route.address, route.to_peer


def _targeted(endpoint: Endpoint) -> bool:
    """Whether a live fault may decide a connection to ``endpoint`` (nothing is claimed)."""
    with _state.lock:
        return any(
            fault.live()
            and (
                fault.pattern.origin_at(endpoint) is not None
                if fault.at_connect
                else fault.pattern.may_target(endpoint)
            )
            for fault in _state.http_faults
        )


def _route(endpoint: Endpoint) -> _Route | None:
    """What happens to a connection to ``endpoint``: connection-time faults come first (a
    connection is refused before any response could be faulted), in declaration order; then,
    if a response fault may apply, the peer gets the connection."""
    with _state.lock:
        for fault in _state.http_faults:
            if not fault.at_connect or not fault.live():
                continue
            origin = fault.pattern.origin_at(endpoint)
            if origin is None or not fault.claim(FaultedRequest(None, origin)):
                continue
            if fault.error == "connect":
                return _Route(_state.refuser_address)
            return _Route(error=fault.exception())
        if any(
            not fault.at_connect and fault.live() and fault.pattern.may_target(endpoint)
            for fault in _state.http_faults
        ):
            return _Route(_peer_for(endpoint).address, to_peer=True)
    return None


def _placeholder_for(name: str) -> str:
    with _state.lock:
        placeholder = _state.placeholders.get(name)
        if placeholder is None:
            number = len(_state.placeholders) + 1
            placeholder = f"{_PLACEHOLDER_PREFIX}{number // 256}.{number % 256}"
            _state.placeholders[name] = placeholder
            _state.placeholder_names[placeholder] = name
        return placeholder


def _block(endpoint: Endpoint) -> _Route:
    with _state.lock:
        _state.blocked.add(endpoint)
        return _Route(_peer_for(endpoint).address, to_peer=True)


def _peer_for(endpoint: Endpoint) -> Peer:
    peer = _state.peers.get(endpoint)
    if peer is None:
        peer = _state.peers[endpoint] = Peer(endpoint, _dispatcher)
    return peer


def _guarding() -> bool:
    with _state.lock:
        return bool(_state.guards)


def _is_loopback_endpoint(endpoint: Endpoint) -> bool:
    if endpoint.ip is not None:
        return is_loopback(endpoint.host)
    try:
        infos = _state.original_getaddrinfo(endpoint.host, endpoint.port, 0, socket.SOCK_STREAM)
    except OSError:
        return False
    return all(is_loopback(str(info[4][0])) for info in infos)


def _call_site() -> str | None:
    return call_site() if _guarding() else None


def _remember_call_site(sock: socket.socket, site: str | None) -> None:
    if site is None:
        return
    try:
        key = address_key(sock.getsockname())
    except OSError:
        return
    if key is not None:
        with _state.lock:
            _state.call_sites[key] = site


class _PeerDispatcher:
    """The routing state as the peers see it."""

    def first_byte_wait(self, endpoint: Endpoint) -> float:
        with _state.lock:
            named = any(
                fault.pattern.endpoint == endpoint and fault.live() for fault in _state.http_faults
            )
        # A regex fault or the network guard routes any connection: a client that does not
        # speak first is probably not HTTP (a database, SMTP), so it is dealt with soon.
        return HEAD_LIMIT if named else SNIFF_WAIT

    def wants(self, url: str) -> bool:
        with _state.lock:
            return any(
                not fault.at_connect and fault.live() and fault.pattern.matches(url)
                for fault in _state.http_faults
            )

    def claim(self, request: FaultedRequest) -> HttpFault | None:
        with _state.lock:
            for fault in _state.http_faults:
                if (
                    not fault.at_connect
                    and fault.pattern.matches(request.url)
                    and fault.claim(request)
                ):
                    return fault
        return None

    def open_upstream(
        self, endpoint: Endpoint, target: str, client: Address | None
    ) -> socket.socket | None:
        with _state.lock:
            blocked = bool(_state.guards) and endpoint in _state.blocked
        if blocked or (_guarding() and not _is_loopback_endpoint(endpoint)):
            self._report_blocked(target, client)
            return None
        try:
            return socket.create_connection(
                (endpoint.host, endpoint.port), timeout=UPSTREAM_CONNECT_LIMIT
            )
        except OSError:
            return None

    def report_error(self, message: str) -> None:
        with _state.lock:
            _state.errors.append(message)

    def _report_blocked(self, target: str, client: Address | None) -> None:
        with _state.lock:
            site = _state.call_sites.pop(client, None) if client is not None else None
            guard = _state.guards[-1] if _state.guards else None
        if guard is not None:
            guard.record(target, site)


_dispatcher = _PeerDispatcher()
