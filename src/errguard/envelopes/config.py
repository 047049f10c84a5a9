"""``[tool.errguard.envelope]`` in pyproject.toml and the ``errguard_envelope_*`` ini options.

Precedence, lowest first: built-in defaults, the pyproject table, pytest ini options, and the
arguments of each call. Outside pytest the pyproject nearest the working directory is used.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn

from errguard.config import ConfigError, find_config_file
from errguard.envelopes.catalog import DEFAULT_CATALOG, PREFIX, Catalog
from errguard.envelopes.check import Rules
from errguard.envelopes.leaks import LEAK_KINDS, LeakPolicy
from errguard.envelopes.schema import SCHEMAS, STANDARD, EnvelopeSchema

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class Option:
    key: str  # in [tool.errguard.envelope]
    ini_type: Literal["string", "linelist", "bool", "args"]  # pytest's addini type
    help: str

    @property
    def ini_name(self) -> str:
        return "errguard_envelope_" + self.key.replace("-", "_")


OPTIONS = (
    Option("schema", "string", "error envelope schema: standard (default) or rfc9457"),
    Option(
        "catalog",
        "linelist",
        "error-code catalog replacing the built-in one, a line per prefix: PREFIX_ = 400[, 422]",
    ),
    Option(
        "extend-catalog",
        "linelist",
        "error-code prefixes added to the catalog, a line per prefix: PREFIX_ = 400[, 422]",
    ),
    Option("framework-codes", "bool", "accept HTTP_<status> codes for framework errors"),
    Option("require-retry-after", "bool", "HTTP 429 error responses must carry Retry-After"),
    Option("request-id-header", "string", "header that request_id must equal (X-Request-ID)"),
    Option("extra-fields", "args", "top-level fields allowed besides the standard envelope's"),
    Option("allow-leaks", "linelist", "regexes: leaked text matching one is not reported"),
    Option("allow-leak-fields", "args", "field paths (globs) the leak scan skips: details.sql"),
    Option("allow-leak-kinds", "args", f"leak kinds not reported: {', '.join(LEAK_KINDS)}"),
)
_OPTIONS = {option.key: option for option in OPTIONS}
_CATALOG_LINE = re.compile(r"\s*(?P<prefix>[^=\s]+)\s*=\s*(?P<statuses>\d{3}(?:\s*,\s*\d{3})*)\s*")


@dataclass(frozen=True)
class EnvelopeConfig:
    schema: EnvelopeSchema = STANDARD
    catalog: Catalog = DEFAULT_CATALOG
    leak_policy: LeakPolicy = field(default_factory=LeakPolicy)
    request_id_header: str = "X-Request-ID"
    require_retry_after: bool = True
    extra_fields: tuple[str, ...] = ()

    def rules(self, schema: str | EnvelopeSchema | None = None) -> Rules:
        """The rules of one check; a schema given by name gets the configured extra fields."""
        if isinstance(schema, EnvelopeSchema):
            chosen = schema
        elif schema is None:
            chosen = self.schema.allowing(self.extra_fields)
        elif schema in SCHEMAS:
            chosen = SCHEMAS[schema].allowing(self.extra_fields)
        else:
            raise ValueError(f"unknown envelope schema {schema!r} (known: {', '.join(SCHEMAS)})")
        return Rules(
            chosen, self.catalog, self.leak_policy, self.request_id_header, self.require_retry_after
        )


def load_envelope_config(start: Path, ini: Mapping[str, object] | None = None) -> EnvelopeConfig:
    """The configuration from the pyproject nearest ``start``, overridden by ``ini`` values."""
    path = find_config_file(start)
    table: Mapping[str, Any] = {}
    origin = ""
    if path is not None:
        with path.open("rb") as handle:
            table = tomllib.load(handle)["tool"]["errguard"].get("envelope", {})
        origin = f"{path}: [tool.errguard.envelope]"
        if not isinstance(table, dict):
            raise ConfigError(f"{origin} must be a table, got {table!r}")
    return from_sources(table, origin, ini or {})


def from_sources(
    table: Mapping[str, Any], origin: str, ini: Mapping[str, object]
) -> EnvelopeConfig:
    values: dict[str, tuple[object, str]] = {}
    for key, value in table.items():
        if key not in _OPTIONS:
            raise ConfigError(f"{origin} unknown key {key!r} (known: {', '.join(_OPTIONS)})")
        values[key] = (value, f"{origin} {key}")
    for key, value in ini.items():
        where = f"ini option {_OPTIONS[key].ini_name}"
        if key in {"catalog", "extend-catalog"} and isinstance(value, list):
            values[key] = (_catalog_lines(value, where), where)
        else:
            values[key] = (value, where)
    return _Reader(values).config()


def _catalog_lines(lines: list[object], where: str) -> dict[str, object]:
    catalog: dict[str, object] = {}
    for line in lines:
        match = _CATALOG_LINE.fullmatch(str(line))
        if match is None:
            raise ConfigError(f"{where}: {line!r} is not a catalog line like 'PREFIX_ = 400'")
        catalog[match["prefix"]] = [int(status) for status in match["statuses"].split(",")]
    return catalog


class _Reader:
    def __init__(self, values: Mapping[str, tuple[object, str]]) -> None:
        self.values = values

    def fail(self, key: str, message: str) -> NoReturn:
        raise ConfigError(f"{self.values[key][1]} {message}")

    def get(self, key: str, kind: type, default: Any) -> Any:
        if key not in self.values:
            return default
        value = self.values[key][0]
        if not isinstance(value, kind):
            self.fail(key, f"must be a {kind.__name__}, got {value!r}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        items = self.get(key, list, [])
        for item in items:
            if not isinstance(item, str):
                self.fail(key, f"must be a list of strings, got item {item!r}")
        return tuple(items)

    def catalog_table(self, key: str) -> dict[str, list[int]]:
        table = self.get(key, dict, {})
        result = {}
        for prefix, statuses in table.items():
            listed = [statuses] if isinstance(statuses, int) else statuses
            if not PREFIX.fullmatch(prefix):
                self.fail(key, f"prefix {prefix!r} must be upper case, like 'PAYMENT_'")
            if (
                not isinstance(listed, list)
                or not listed
                or not all(isinstance(s, int) and 100 <= s <= 599 for s in listed)
            ):
                self.fail(
                    key, f"{prefix}: expected an HTTP status or a list of them, got {statuses!r}"
                )
            result[prefix] = listed
        return result

    def config(self) -> EnvelopeConfig:
        schema_name = self.get("schema", str, STANDARD.name)
        if schema_name not in SCHEMAS:
            self.fail(
                "schema", f"must be one of {', '.join(map(repr, SCHEMAS))}, got {schema_name!r}"
            )
        framework_codes = self.get("framework-codes", bool, True)
        catalog = Catalog(DEFAULT_CATALOG.entries, framework_codes)
        if "catalog" in self.values:
            catalog = Catalog.from_mapping(
                self.catalog_table("catalog"), framework_codes=framework_codes
            )
        catalog = catalog.extended(self.catalog_table("extend-catalog"))
        return EnvelopeConfig(
            schema=SCHEMAS[schema_name],
            catalog=catalog,
            leak_policy=self.leak_policy(),
            request_id_header=self.get("request-id-header", str, "X-Request-ID"),
            require_retry_after=self.get("require-retry-after", bool, True),
            extra_fields=self.strings("extra-fields"),
        )

    def leak_policy(self) -> LeakPolicy:
        patterns = []
        for pattern in self.strings("allow-leaks"):
            try:
                patterns.append(re.compile(pattern))
            except re.error as error:
                self.fail("allow-leaks", f"{pattern!r} is not a valid regex: {error}")
        kinds = self.strings("allow-leak-kinds")
        for kind in kinds:
            if kind not in LEAK_KINDS:
                self.fail("allow-leak-kinds", f"{kind!r} is not one of {', '.join(LEAK_KINDS)}")
        return LeakPolicy(tuple(patterns), self.strings("allow-leak-fields"), frozenset(kinds))


_activated: list[EnvelopeConfig] = []


def activate(config: EnvelopeConfig) -> None:
    """Make ``config`` the one every check uses (a pytest session does, at configure time)."""
    _activated.append(config)


def deactivate(config: EnvelopeConfig) -> None:
    for index in range(len(_activated) - 1, -1, -1):
        if _activated[index] is config:
            del _activated[index]
            return


def active_config() -> EnvelopeConfig:
    if _activated:
        return _activated[-1]
    return _config_for_directory(Path.cwd())


@functools.lru_cache(maxsize=8)
def _config_for_directory(directory: Path) -> EnvelopeConfig:
    return load_envelope_config(directory)
