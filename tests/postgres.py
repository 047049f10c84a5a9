"""A throwaway PostgreSQL cluster for tests, on a free port of 127.0.0.1 with trust auth.

``postgres_cluster()`` runs ``initdb`` in a new directory under the system temp dir, starts the
server with ``pg_ctl`` and, when the block ends (also on errors), stops it (``-m immediate``:
nothing in it is worth a clean shutdown) and removes the directory. The server binaries are
found on PATH, then through ``pg_config --bindir``, then in Debian's /usr/lib/postgresql/*/bin.

PostgreSQL refuses to run as root: as root, every PostgreSQL command runs as an unprivileged
user (``nobody``) that owns the temp dir; otherwise as the current user. When that is not
possible, ``PostgresUnavailable`` says why (the test fixture turns it into a skip).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pwd import struct_passwd

HOST = "127.0.0.1"
SUPERUSER = "postgres"
UNPRIVILEGED_USER = "nobody"
START_ATTEMPTS = 3
"""Another process can take the free port between choosing it and the server binding it."""
TIMEOUT = 60

# Durability is worthless for a cluster that is deleted after the run; these make writes cheap.
SERVER_SETTINGS = {
    "listen_addresses": HOST,
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
    "shared_buffers": "16MB",
}


class PostgresUnavailable(Exception):
    """No PostgreSQL cluster can be started here; the message says why."""


@dataclass(frozen=True)
class Cluster:
    """Where the running cluster listens, and its superuser (trusted, no password)."""

    host: str
    port: int
    user: str

    def django_database(self, name: str) -> dict[str, str]:
        """A Django ``DATABASES`` entry for database ``name`` on this cluster."""
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": self.user,
            "HOST": self.host,
            "PORT": str(self.port),
        }


def _version_key(bindir: str) -> tuple[int, ...]:
    version = Path(bindir).parent.name  # /usr/lib/postgresql/<version>/bin
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _candidate_bindirs() -> Iterator[Path]:
    on_path = shutil.which("pg_ctl")
    if on_path is not None:
        yield Path(on_path).parent
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        if result.returncode == 0 and result.stdout.strip():
            yield Path(result.stdout.strip())
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True):
        yield Path(bindir)


def find_bindir() -> Path:
    """The first directory holding both ``initdb`` and ``pg_ctl``."""
    for bindir in _candidate_bindirs():
        if all(shutil.which(tool, path=str(bindir)) for tool in ("initdb", "pg_ctl")):
            return bindir
    raise PostgresUnavailable(
        "no initdb and pg_ctl on PATH, in `pg_config --bindir` or in /usr/lib/postgresql/*/bin"
    )


def _unprivileged_user() -> struct_passwd | None:
    """The user to run PostgreSQL as when we are root; None to run it as ourselves."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import pwd

    try:
        return pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root (which PostgreSQL refuses) and there is no {UNPRIVILEGED_USER!r} "
            "user to run it as"
        ) from None


def _run_as(user: struct_passwd | None) -> dict[str, Any]:
    """``subprocess.run`` arguments that switch to ``user``, without root's other groups."""
    if user is None:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class _Server:
    """The commands of one cluster, run as the user that owns it."""

    def __init__(self, bindir: Path, root: Path, user: struct_passwd | None) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.sockets = root / "sockets"
        self.log = root / "server.log"
        self._as_user = _run_as(user)

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                [str(self.bindir / tool), *args],
                cwd=self.root,  # the server user may not be allowed into ours
                capture_output=True,
                text=True,
                check=False,
                timeout=TIMEOUT,
                **self._as_user,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise PostgresUnavailable(f"{tool} could not run: {error}") from error

    def init(self) -> None:
        result = self.run(
            "initdb",
            *("-D", str(self.data), "-U", SUPERUSER, "--auth=trust"),
            *("--encoding=UTF8", "--locale=C", "--no-sync"),
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {(result.stderr or result.stdout).strip()}")
        settings = {**SERVER_SETTINGS, "unix_socket_directories": str(self.sockets)}
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.writelines(f"{name} = '{value}'\n" for name, value in settings.items())

    def start(self) -> int:
        """Start the server on a free port and return the port."""
        for _ in range(START_ATTEMPTS):
            port = free_port()
            result = self.run(
                "pg_ctl",
                *("-D", str(self.data), "-l", str(self.log), "-o", f"-p {port}"),
                *("-w", "-t", str(TIMEOUT), "-s", "start"),
            )
            if result.returncode == 0:
                return port
            if "could not bind" not in self._log_text():
                break
        raise PostgresUnavailable(f"the server did not start:\n{self._log_text()[-2000:]}")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-s", "stop")

    def _log_text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"


def _make_root(user: struct_passwd | None) -> Path:
    root = Path(tempfile.mkdtemp(prefix="errguard-postgres-"))
    (root / "sockets").mkdir()
    if user is not None:
        for path in (root, root / "sockets"):
            os.chown(path, user.pw_uid, user.pw_gid)
    return root


@contextmanager
def postgres_cluster() -> Iterator[Cluster]:
    """A running cluster until the block ends; ``PostgresUnavailable`` if there can be none."""
    bindir = find_bindir()
    user = _unprivileged_user()
    root = _make_root(user)
    server = _Server(bindir, root, user)
    try:
        server.init()
        port = server.start()
        yield Cluster(HOST, port, SUPERUSER)
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)
