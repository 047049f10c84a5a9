"""Run inside a throwaway interpreter by import_check.py: import a project's modules.

    python -B -P import_probe.py REQUEST.json

REQUEST holds ``root`` (put first on ``sys.path``), ``results`` (the file to append JSON
lines to), ``seconds`` (the time limit of one import or setup), ``command`` and its data:

- ``apps``: from ``candidates`` (the project's packages that look like Django apps), the list
  that ``django.setup()`` accepts, grown chunk by chunk; each try runs in a fork, as a failed
  ``setup()`` cannot be retried in the same interpreter. Writes ``{"tried": [...]}`` per try,
  then ``{"apps": [...]}``.
- ``import``: configure Django with ``apps``, try ``django.setup()`` (a failure is recorded and
  the modules imported without it), then import each of ``modules`` in order. Writes
  ``{"setup": error-or-null}``, then ``{"start": module}`` and ``{"module": module, "error":
  error-or-null}`` per module, flushed, so that the caller knows which module an interpreter
  that died or hung was importing.

This file runs project code: it is never imported by the checks themselves.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, NoReturn

CONTRIB_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
]


class ImportTimeout(Exception):
    pass


def _time_out(_signum: int, _frame: object) -> NoReturn:
    raise ImportTimeout("import took too long")


def _no_network(*_args: object, **_kwargs: object) -> NoReturn:
    raise OSError("network disabled by the import check")


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def configure(apps: list[str]) -> None:
    from django.conf import settings

    scratch = tempfile.mkdtemp()
    settings.configure(
        SECRET_KEY="errguard-import-check",
        ALLOWED_HOSTS=["*"],
        INSTALLED_APPS=CONTRIB_APPS + apps,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        TEMPLATES=[
            {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}
        ],
        MIDDLEWARE=[],
        USE_TZ=True,
        SITE_ID=1,
        STATIC_URL="/static/",
        STATIC_ROOT=scratch,
        MEDIA_URL="/media/",
        MEDIA_ROOT=scratch,
    )


def sets_up(apps: list[str], seconds: int) -> bool:
    """Whether ``django.setup()`` succeeds with these apps (tried in a fork)."""
    pid = os.fork()
    if pid == 0:
        signal.alarm(seconds)
        try:
            import django

            configure(apps)
            django.setup()
        except BaseException:  # any failure means "not this list"
            os._exit(1)
        os._exit(0)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


def grow(kept: list[str], chunk: list[str], works: Callable[[list[str]], bool]) -> list[str]:
    """``kept`` plus as much of ``chunk`` as ``works`` accepts, halving chunks that fail."""
    if not chunk:
        return kept
    if works(kept + chunk):
        return kept + chunk
    if len(chunk) == 1:
        return kept
    half = len(chunk) // 2
    return grow(grow(kept, chunk[:half], works), chunk[half:], works)


def find_apps(candidates: list[str], seconds: int, out: IO[str]) -> list[str]:
    def works(apps: list[str]) -> bool:
        write(out, {"tried": apps})  # progress, for the caller's watchdog
        return sets_up(apps, seconds)

    kept: list[str] = []
    # An app may need one that sorts after it: retry the rejected ones while that adds any.
    while True:
        rejected = [app for app in candidates if app not in kept]
        grown = grow(kept, rejected, works)
        if grown == kept:
            return kept
        kept = grown


def import_all(modules: list[str], apps: list[str], seconds: int, out: IO[str]) -> None:
    configure(apps)
    try:
        import django

        django.setup()
        write(out, {"setup": None})
    except BaseException as failure:  # recorded; the modules are imported without setup
        write(out, {"setup": describe(failure)})
    signal.signal(signal.SIGALRM, _time_out)
    for module in modules:
        write(out, {"start": module})
        error: str | None = None
        signal.alarm(seconds)
        try:
            importlib.import_module(module)
        except BaseException as raised:  # SystemExit too: the module failed
            error = describe(raised)
        finally:
            signal.alarm(0)
        write(out, {"module": module, "error": error})


def write(out: IO[str], record: dict[str, Any]) -> None:
    out.write(json.dumps(record) + "\n")
    out.flush()


def main() -> NoReturn:
    request = json.loads(Path(sys.argv[1]).read_text())
    sys.argv = [sys.argv[0]]  # a module that reads the command line sees no arguments
    sys.path.insert(0, request["root"])
    if request.get("block_sockets"):
        socket.socket.connect = socket.socket.connect_ex = _no_network  # type: ignore[method-assign]
        socket.getaddrinfo = socket.create_connection = _no_network
    seconds = request["seconds"]
    with open(request["results"], "a") as out:
        if request["command"] == "apps":
            write(out, {"apps": find_apps(request["candidates"], seconds, out)})
        else:
            import_all(request["modules"], request["apps"], seconds, out)
    # Threads or atexit handlers a module started must not keep or change the outcome.
    os._exit(0)


if __name__ == "__main__":
    main()
