"""Call sites inside Django REST framework serialization: the serializer field, and the view.

A nested serializer or a dotted ``source=`` reads a relation inside DRF's own code
(``Serializer.to_representation`` calls ``field.get_attribute(instance)`` for each field of
each row), so the innermost frame of project code says nothing about which field did it, and
for a generic view it may be the test itself. The frame of ``to_representation`` knows the
serializer (``self``) and the field being read (``field``): the field's declaration in the
serializer class is the call site. The rows of a list come from ``ListSerializer``'s
``to_representation``; its ``context["view"]`` (set by DRF's generic views) names the view
whose queryset the fix belongs to.
"""

from __future__ import annotations

import inspect
import re
import sys
from types import CodeType, FrameType
from typing import Any

VIEW_QUERYSET = "the queryset of "
"""How a list's origin names its view: ``the queryset of BookList``."""
MANY = "(many=True)"
"""How a list's origin names its serializer when no view is known: ``BookSerializer(many=True)``."""


def serializer_codes() -> tuple[CodeType | None, CodeType | None]:
    """The code of ``Serializer.to_representation`` and ``ListSerializer.to_representation``."""
    module = sys.modules.get("rest_framework.serializers")
    if module is None:
        return None, None
    return _code(getattr(module, "Serializer", None)), _code(
        getattr(module, "ListSerializer", None)
    )


def _code(cls: Any) -> CodeType | None:
    code = getattr(getattr(cls, "to_representation", None), "__code__", None)
    return code if isinstance(code, CodeType) else None


_DECLARATIONS: dict[tuple[type, str], tuple[str, int] | None] = {}


def _declaration(cls: type, pattern: str) -> tuple[str, int] | None:
    """The file and line of ``pattern`` (a regex) in ``cls``'s body or its project bases, else
    of the ``class`` line of ``cls``; read from source once per class and pattern."""
    key = (cls, pattern)
    if key not in _DECLARATIONS:
        _DECLARATIONS[key] = _find_declaration(cls, pattern)
    return _DECLARATIONS[key]


def _find_declaration(cls: type, pattern: str) -> tuple[str, int] | None:
    fallback = None
    for klass in cls.__mro__:
        if klass.__module__.startswith(("rest_framework", "builtins")):
            break
        try:
            filename = inspect.getsourcefile(klass)
            lines, start = inspect.getsourcelines(klass)
        except (OSError, TypeError):
            continue
        if filename is None:
            continue
        for offset, line in enumerate(lines):
            if re.match(pattern, line):
                return filename, start + offset
        if fallback is None:
            fallback = (filename, start)
    return fallback


def field_location(frame: FrameType) -> tuple[str, int, str] | None:
    """``(serializer file, line, "BookSerializer.author_name")`` of the field being read."""
    serializer = frame.f_locals.get("self")
    name = getattr(frame.f_locals.get("field"), "field_name", None)
    if serializer is None or not isinstance(name, str):
        return None
    found = _declaration(type(serializer), rf"\s+{re.escape(name)}\s*[=:]")
    if found is None:
        return None
    return found[0], found[1], f"{type(serializer).__name__}.{name}"


def list_location(frame: FrameType) -> tuple[str, int, str] | None:
    """Where the rows a ``ListSerializer`` serializes come from: its view's queryset if known."""
    serializer: Any = frame.f_locals.get("self")
    context = getattr(serializer, "_context", None) or {}
    view = context.get("view") if isinstance(context, dict) else None
    if view is not None:
        found = _declaration(type(view), r"\s+(queryset\s*[=:]|def get_queryset\b)")
        if found is not None:
            return found[0], found[1], f"{VIEW_QUERYSET}{type(view).__name__}"
    child = getattr(serializer, "child", None)
    if child is None:
        return None
    found = _declaration(type(child), r"\s*class\s")
    if found is None:
        return None
    return found[0], found[1], f"{type(child).__name__}{MANY}"
