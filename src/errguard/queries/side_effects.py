"""Side effects issued inside a database transaction, seen at runtime (EG203's counterpart).

A mail sent inside ``transaction.atomic()`` goes out even when the block rolls back, and before
the rows it talks about are visible to anyone else. While :func:`recording` is active, each mail
sent (``EmailMessage.send``, or the configured mail backend's ``send_messages``, which
``send_mass_mail`` calls directly) is recorded when a connection of the sending thread is deeper
in atomic blocks than it was when the test body began, and the mail is not sent from a
``transaction.on_commit`` callback. Comparing with the depth at the start keeps the test's own
transaction (pytest-django's ``db`` fixture, ``django.test.TestCase``) out of it.

Only mail is recorded: Celery is patched by nobody here yet, and the network interception of
``errguard.faults`` only blocks connections, it has no hook that lets one through and reports it.

Patches last for one recording and are undone last in first out; each passes calls straight
through once undone, so a patch another patcher put back later does no harm.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

# Django ships no type information: these names are Any to mypy.
from django.conf import settings  # type: ignore[import-untyped]
from django.core.mail.message import EmailMessage  # type: ignore[import-untyped]
from django.db.backends.base.base import BaseDatabaseWrapper  # type: ignore[import-untyped]
from django.utils.module_loading import import_string  # type: ignore[import-untyped]

from errguard.faults.patching import replace_attribute
from errguard.queries.callsite import CallSite, CallSiteFinder
from errguard.queries.django_api import connections


@dataclass(frozen=True)
class SideEffect:
    """One side effect issued inside a transaction, and where."""

    kind: str
    what: str
    aliases: tuple[str, ...]
    """The database aliases whose atomic block was open."""
    site: CallSite | None

    def describe(self) -> str:
        where = str(self.site) if self.site is not None else "(no project code on the stack)"
        blocks = ", ".join(repr(alias) for alias in self.aliases)
        return (
            f"{self.kind} {self.what} inside an atomic block on {blocks}, at {where}: "
            "it happens even if the transaction rolls back, and before its rows are "
            "committed; issue it from transaction.on_commit(...)"
        )


def _depth(connection: BaseDatabaseWrapper) -> int:
    # Every atomic block nested in the outermost one pushes an entry (None without a savepoint).
    if not connection.in_atomic_block:
        return 0
    return 1 + len(connection.savepoint_ids)


def _open_connections() -> list[BaseDatabaseWrapper]:
    # initialized_only: looking must not open a connection the code under test never used.
    return list(connections.all(initialized_only=True))


class _Local(threading.local):
    def __init__(self) -> None:
        self.in_callback = 0
        self.in_side_effect = 0


class SideEffectRecorder:
    """The side effects recorded since :meth:`begin`, until :meth:`end`."""

    def __init__(self, finder: CallSiteFinder) -> None:
        self.finder = finder
        self.found: list[SideEffect] = []
        self._active = False
        self._baseline: dict[int, int] = {}
        self._lock = threading.Lock()
        self._local = _Local()

    def begin(self) -> None:
        self._baseline = {id(each): _depth(each) for each in _open_connections()}
        self._active = True

    def end(self) -> None:
        self._active = False

    def _open_aliases(self) -> tuple[str, ...]:
        return tuple(
            each.alias
            for each in _open_connections()
            if _depth(each) > self._baseline.get(id(each), 0)
        )

    def issue(self, kind: str, what: str, call: Callable[[], Any]) -> Any:
        """Run ``call``, the side effect, recording it first when it is inside a transaction.

        A side effect issued by another one (``send`` calling the backend) counts once.
        """
        local = self._local
        if self._active and not local.in_callback and not local.in_side_effect:
            aliases = self._open_aliases()
            if aliases:
                site = self.finder.resolve(self.finder.find(sys._getframe(1)))
                with self._lock:
                    self.found.append(SideEffect(kind, what, aliases, site))
        local.in_side_effect += 1
        try:
            return call()
        finally:
            local.in_side_effect -= 1

    def on_commit_callback(self, func: Callable[[], Any]) -> Callable[[], Any]:
        """``func``, marked so that the side effects it issues when it runs do not count."""

        @functools.wraps(func)
        def callback() -> Any:
            self._local.in_callback += 1
            try:
                return func()
            finally:
                self._local.in_callback -= 1

        return callback


def _subject(message: EmailMessage) -> str:
    return f"mail {message.subject!r}"


def _patch_mail(recorder: SideEffectRecorder, stack: ExitStack) -> None:
    send = EmailMessage.send

    def patched_send(message: EmailMessage, *args: Any, **kwargs: Any) -> Any:
        if not message.recipients():  # Django sends nothing
            return send(message, *args, **kwargs)
        return recorder.issue("sent", _subject(message), lambda: send(message, *args, **kwargs))

    stack.callback(replace_attribute(EmailMessage, "send", patched_send))
    try:
        backend = import_string(settings.EMAIL_BACKEND)
    except ImportError:  # the project's mail is broken anyway; EmailMessage.send still counts
        return
    send_messages = backend.send_messages

    def patched_send_messages(instance: Any, messages: Any, *args: Any, **kwargs: Any) -> Any:
        messages = list(messages)
        if not messages:
            return send_messages(instance, messages, *args, **kwargs)
        what = _subject(messages[0]) if len(messages) == 1 else f"{len(messages)} mails"
        return recorder.issue(
            "sent", what, lambda: send_messages(instance, messages, *args, **kwargs)
        )

    stack.callback(replace_attribute(backend, "send_messages", patched_send_messages))


def _patch_on_commit(recorder: SideEffectRecorder, stack: ExitStack) -> None:
    on_commit = BaseDatabaseWrapper.on_commit

    def patched_on_commit(connection: Any, func: Any, *args: Any, **kwargs: Any) -> Any:
        if callable(func):
            func = recorder.on_commit_callback(func)
        return on_commit(connection, func, *args, **kwargs)

    stack.callback(replace_attribute(BaseDatabaseWrapper, "on_commit", patched_on_commit))


@contextmanager
def recording(finder: CallSiteFinder) -> Iterator[SideEffectRecorder]:
    """Patch the side effects and ``on_commit`` while the block runs; the recorder records
    between its ``begin()`` and ``end()`` (the test body)."""
    recorder = SideEffectRecorder(finder)
    with ExitStack() as stack:  # undoes the patches last in first out, also on errors
        _patch_on_commit(recorder, stack)
        _patch_mail(recorder, stack)
        try:
            yield recorder
        finally:
            recorder.end()
