"""The catalog: which error-code prefix goes with which HTTP status."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

UPPER_SNAKE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
PREFIX = re.compile(r"[A-Z][A-Z0-9_]*")
_FRAMEWORK_CODE = re.compile(r"HTTP_(\d{3})")


@dataclass(frozen=True)
class Catalog:
    """Code prefixes and their HTTP statuses, plus ``HTTP_<status>`` for framework errors.

    The longest matching prefix decides, so a project can map ``AUTH_MFA_`` apart from ``AUTH_``.
    """

    entries: tuple[tuple[str, tuple[int, ...]], ...]
    framework_codes: bool = True

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, int | Iterable[int]], *, framework_codes: bool = True
    ) -> Catalog:
        entries = tuple(
            (prefix, (statuses,) if isinstance(statuses, int) else tuple(statuses))
            for prefix, statuses in mapping.items()
        )
        return cls(entries, framework_codes)

    def extended(self, mapping: Mapping[str, int | Iterable[int]]) -> Catalog:
        """This catalog with ``mapping`` added; a prefix already present gets the new statuses."""
        merged: dict[str, int | Iterable[int]] = dict(self.entries)
        merged.update(mapping)
        return Catalog.from_mapping(merged, framework_codes=self.framework_codes)

    def as_dict(self) -> dict[str, tuple[int, ...]]:
        return dict(self.entries)

    def expected_prefixes(self, status: int) -> list[str]:
        prefixes = [prefix for prefix, statuses in self.entries if status in statuses]
        if self.framework_codes:
            prefixes.append(f"HTTP_{status}")
        return prefixes

    def mismatch(self, code: str, status: int) -> str | None:
        """Why ``code`` does not belong to HTTP ``status``; None when it does."""
        framework = _FRAMEWORK_CODE.fullmatch(code) if self.framework_codes else None
        if framework is not None:
            if int(framework.group(1)) == status:
                return None
            return f"does not match HTTP {status} ({self._expectation(status)})"
        matching = [prefix for prefix, _ in self.entries if code.startswith(prefix)]
        if not matching:
            return f"has no prefix from the catalog ({self._expectation(status)})"
        statuses = self.as_dict()[max(matching, key=len)]
        if status in statuses:
            return None
        return f"does not match HTTP {status} ({self._expectation(status)})"

    def _expectation(self, status: int) -> str:
        prefixes = self.expected_prefixes(status)
        if not prefixes:
            return f"the catalog has no prefix for HTTP {status}"
        if len(prefixes) == 1:
            return f"expected prefix {prefixes[0]}"
        return f"expected prefix {', '.join(prefixes[:-1])} or {prefixes[-1]}"


DEFAULT_CATALOG = Catalog.from_mapping(
    {
        "VALIDATION_": 400,
        "AUTH_": 401,
        "TOKEN_": 402,
        "FORBIDDEN_": 403,
        "RESOURCE_": 404,
        "CONFLICT_": 409,
        "AI_": 422,
        "RATE_LIMIT_": 429,
        "SYSTEM_": 500,
        "INTEGRATION_": 502,
    }
)
