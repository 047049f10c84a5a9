"""pytest11 entry point: loads every feature module of this package as a pytest plugin.

Each module (queries, envelopes, faults, ...) registers its own options, markers and fixtures;
adding one needs no edit here. Nothing here or in those modules imports Django at import time,
so projects without Django pay nothing.
"""

from __future__ import annotations

import pkgutil

import errguard.pytest_plugin as _package
from errguard import __version__

pytest_plugins = [
    f"{_package.__name__}.{module.name}"
    for module in pkgutil.iter_modules(_package.__path__)
    if not module.name.startswith("_") and module.name != "plugin"
]


def pytest_report_header() -> str:
    return f"errguard: {__version__}"
