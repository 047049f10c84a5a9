"""Checking that values read from a cache file have the types their annotations promise.

JSON gives ``"3"`` where ``3`` was meant as readily as the right thing, and ``tuple("abc")``
builds a tuple of strings from a string: decoding alone proves little. A decoded value is
accepted only when every field of every dataclass in it matches its annotation, and when
encoding it again gives back exactly the JSON it came from.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Union


def conforms(value: Any, annotation: Any) -> bool:
    """Whether ``value`` is of type ``annotation`` (dataclasses field by field, containers
    item by item). ``bool`` is not accepted for ``int``, nor ``int`` for ``bool``."""
    if annotation is Any:
        return True
    if annotation is type(None) or annotation is None:
        return value is None
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        return any(conforms(value, option) for option in typing.get_args(annotation))
    if origin is tuple:
        return isinstance(value, tuple) and _items_conform(value, typing.get_args(annotation))
    if origin in (list, frozenset, set):
        (item,) = typing.get_args(annotation)
        return isinstance(value, origin) and all(conforms(v, item) for v in value)
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return type(value) is annotation and all(
            conforms(getattr(value, name), hint) for name, hint in _hints(annotation).items()
        )
    if isinstance(annotation, type):
        return isinstance(value, annotation)
    raise TypeError(f"cannot check values against {annotation!r}")


def _items_conform(value: tuple[Any, ...], items: tuple[Any, ...]) -> bool:
    if len(items) == 2 and items[1] is Ellipsis:
        return all(conforms(v, items[0]) for v in value)
    return len(value) == len(items) and all(map(conforms, value, items))


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved annotation of each field (annotations are strings in these modules)."""
    found = _HINTS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = _HINTS[cls] = {field.name: hints[field.name] for field in dataclasses.fields(cls)}
    return found


def as_json(value: Any) -> Any:
    """``value`` as ``json.loads`` would give it back: tuples as lists."""
    if isinstance(value, (list, tuple)):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    return value
