"""What the plugin's feature modules share.

A private module (plugin.py loads no ``_`` module as a plugin): a feature module that imported
another feature module would import it before pytest registers it, so pytest could not rewrite
its asserts and would warn about it in every run.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from errguard.queries.runtime import TestQueries

NEEDS_DJANGO = (
    "needs Django with configured settings (DJANGO_SETTINGS_MODULE for pytest-django, "
    "or settings.configure() in conftest.py)"
)

# The queries a test ran, kept on the test item by the queries plugin for the others to read.
TEST: pytest.StashKey[TestQueries] = pytest.StashKey()


def django_configured() -> bool:
    # Only look at what is already imported: importing django.conf here would be a cost (and
    # a side effect) for projects that never use Django.
    conf = sys.modules.get("django.conf")
    return conf is not None and bool(conf.settings.configured)
