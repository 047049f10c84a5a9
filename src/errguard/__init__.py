"""errguard: keep error-prone Django code out of production."""

from __future__ import annotations

__version__ = "0.1.0"
