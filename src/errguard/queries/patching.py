"""Attribute patches that are undone exactly, last in first out."""

from __future__ import annotations

from typing import Any

_ABSENT = object()


class PatchStack:
    """Set attributes on classes or modules and restore exactly what was there before.

    The value restored is the one found in the owner's own ``__dict__`` (the raw function,
    not a bound method), or the attribute is deleted again when the owner did not define it.
    """

    def __init__(self) -> None:
        self._undo: list[tuple[object, str, object]] = []

    def setattr(self, owner: object, name: str, value: Any) -> None:
        previous = vars(owner).get(name, _ABSENT)
        setattr(owner, name, value)
        self._undo.append((owner, name, previous))

    def undo(self) -> None:
        while self._undo:
            owner, name, previous = self._undo.pop()
            if previous is _ABSENT:
                delattr(owner, name)
            else:
                setattr(owner, name, previous)

    def __len__(self) -> int:
        return len(self._undo)
