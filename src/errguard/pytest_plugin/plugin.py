"""pytest11 entry point. Imports nothing from Django: projects without it pay nothing."""

from __future__ import annotations

from errguard import __version__


def pytest_report_header() -> str:
    return f"errguard: {__version__}"
