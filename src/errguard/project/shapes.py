"""Checking that values read from a cache file have the types their annotations promise.

JSON gives ``"3"`` where ``3`` was meant as readily as the right thing, and ``tuple("abc")``
builds a tuple of strings from a string: decoding alone proves little. A decoded value is
accepted only when every field of every dataclass in it matches its annotation, and when
encoding it again gives back exactly the JSON it came from.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from typing import Any, Union


def conforms(value: Any, annotation: Any) -> bool:
    """Whether ``value`` is of type ``annotation`` (dataclasses field by field, containers
    item by item). ``bool`` is not accepted for ``int``, nor ``int`` for ``bool``."""
    return _checker(annotation)(value)


Check = Callable[[Any], bool]


@functools.cache
def _checker(annotation: Any) -> Check:
    """A test for values of ``annotation``, built once per annotation: a warm run checks every
    cached entry, tens of thousands of values."""
    if annotation is None or annotation is type(None):
        return lambda value: value is None
    if annotation in (bool, int, str):
        return lambda value: type(value) is annotation  # exact: True is an int to isinstance
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is Union or origin is types.UnionType:
        options = [_checker(option) for option in arguments]
        return lambda value: any(check(value) for check in options)
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        item = _checker(arguments[0])
        return lambda value: type(value) is tuple and all(map(item, value))
    if origin is tuple:
        items = [_checker(argument) for argument in arguments]
        return lambda value: (
            type(value) is tuple
            and len(value) == len(items)
            and all(check(v) for check, v in zip(items, value, strict=True))
        )
    if origin in (list, frozenset, set):
        item = _checker(arguments[0])
        return lambda value: isinstance(value, origin) and all(map(item, value))
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return _dataclass_checker(annotation)
    if isinstance(annotation, type):
        return lambda value: isinstance(value, annotation)
    raise TypeError(f"cannot check values against {annotation!r}")


def _dataclass_checker(cls: type) -> Check:
    hints = typing.get_type_hints(cls)  # the annotations are strings (postponed evaluation)
    fields = [(field.name, _checker(hints[field.name])) for field in dataclasses.fields(cls)]
    return lambda value: (
        type(value) is cls and all(check(getattr(value, name)) for name, check in fields)
    )


def as_json(value: Any) -> Any:
    """``value`` as ``json.loads`` would give it back: tuples as lists."""
    if isinstance(value, (list, tuple)):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    return value
