"""The Django objects errguard patches or uses; imported once Django's settings are configured.

Django ships no type information and django-stubs is not a dependency, so these names are
``Any`` to mypy; the ignores below say exactly that and nothing else.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist  # type: ignore[import-untyped]
from django.db import DEFAULT_DB_ALIAS, connections, transaction  # type: ignore[import-untyped]
from django.db.backends.utils import CursorWrapper  # type: ignore[import-untyped]
from django.db.models import (  # type: ignore[import-untyped]
    deletion,
)
from django.db.models import query as query_module
from django.db.models.base import Model  # type: ignore[import-untyped]
from django.db.models.fields import related_descriptors  # type: ignore[import-untyped]
from django.db.models.query_utils import DeferredAttribute  # type: ignore[import-untyped]

__all__ = [
    "DEFAULT_DB_ALIAS",
    "CursorWrapper",
    "DeferredAttribute",
    "FieldDoesNotExist",
    "Model",
    "connections",
    "deletion",
    "query_module",
    "related_descriptors",
    "transaction",
]
