"""Replace an attribute of a module, class or object, and put back exactly what was there."""

from __future__ import annotations

from collections.abc import Callable


def replace_attribute(owner: object, name: str, value: object) -> Callable[[], None]:
    """Set ``owner.name = value``; the returned function restores it.

    Restoring puts back the raw object the owner held in its own ``__dict__`` (a
    ``staticmethod`` stays a ``staticmethod``) or, when the attribute was inherited or absent,
    deletes it so the inherited one shows through again.
    """
    namespace = vars(owner)
    had_own = name in namespace
    original = namespace.get(name)
    setattr(owner, name, value)

    def restore() -> None:
        if had_own:
            setattr(owner, name, original)
        elif name in vars(owner):
            delattr(owner, name)

    return restore
