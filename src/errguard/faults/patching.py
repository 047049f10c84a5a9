"""Replace an attribute of a module, class or object, and put back exactly what was there,
without ever undoing someone else's patch.

Another patcher (``monkeypatch``, ``unittest.mock.patch``) may patch the same attribute after
errguard did and undo its patch after errguard let go: it then puts errguard's replacement
back. So errguard restores an attribute only while it still holds errguard's value; otherwise
the patch is *displaced*, and :func:`restore_displaced` takes it back once the other patcher has
restored errguard's value. Replacements must pass calls through to the original once they are
let go, so that one left behind meanwhile does no harm.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

_ABSENT = object()
_lock = threading.Lock()


@dataclass(frozen=True, eq=False)
class _Patch:
    owner: object
    name: str
    value: object
    original: object  # the raw object in the owner's own __dict__, or _ABSENT

    def on_top(self) -> bool:
        return vars(self.owner).get(self.name, _ABSENT) is self.value

    def put_back(self) -> None:
        if self.original is not _ABSENT:
            setattr(self.owner, self.name, self.original)
        elif self.name in vars(self.owner):
            delattr(self.owner, self.name)  # the inherited attribute shows through again


_displaced: list[_Patch] = []


def replace_attribute(owner: object, name: str, value: object) -> Callable[[], None]:
    """Set ``owner.name = value``; the returned function restores it.

    Restoring puts back the raw object the owner held in its own ``__dict__`` (a
    ``staticmethod`` stays a ``staticmethod``) or, when the attribute was inherited or absent,
    deletes it, provided the attribute still holds ``value``.
    """
    patch = _Patch(owner, name, value, vars(owner).get(name, _ABSENT))
    setattr(owner, name, value)

    def restore() -> None:
        with _lock:
            if patch.on_top():
                patch.put_back()
            else:
                _displaced.append(patch)

    return restore


def restore_displaced() -> None:
    """Take back the displaced patches whose value is on top again.

    Newest first: a patch displaced later may have been made over an older one's value, so
    unwinding it can bring the older one's value back on top.
    """
    with _lock:
        for patch in reversed(list(_displaced)):
            if patch.on_top():
                patch.put_back()
                _displaced.remove(patch)
