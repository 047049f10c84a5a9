"""Envelope schemas: the standard errguard envelope and RFC 9457 problem details."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from errguard.envelopes import fields
from errguard.envelopes.catalog import Catalog
from errguard.envelopes.fields import FieldCheck


@dataclass(frozen=True)
class EnvelopeField:
    """A top-level field: its name, the check of its value, and whether it must be present."""

    name: str
    check: FieldCheck
    required: bool = True


@dataclass(frozen=True)
class EnvelopeSchema:
    """The shape an error body must have.

    ``extra_fields`` is True when any other field may appear (extension members), else the
    names allowed besides ``fields``. ``leak_fields`` are scanned for leaked internals (None:
    every field). ``code_field`` is compared with ``code=``; ``catalog`` replaces the configured
    catalog for this schema when given.
    """

    name: str
    fields: tuple[EnvelopeField, ...]
    media_types: tuple[str, ...] = ("application/json",)
    extra_fields: bool | tuple[str, ...] = True
    leak_fields: tuple[str, ...] | None = None
    code_field: str | None = "code"
    catalog: Catalog | None = None

    def allowing(self, names: Iterable[str]) -> EnvelopeSchema:
        """This schema with ``names`` allowed as extra fields, which the leak scan covers too
        (an allowed field reaches the client like any other)."""
        if self.extra_fields is True:
            return self
        names = tuple(names)
        current = () if isinstance(self.extra_fields, bool) else self.extra_fields
        scanned = None if self.leak_fields is None else (*self.leak_fields, *names)
        return replace(
            self,
            extra_fields=tuple(dict.fromkeys((*current, *names))),
            leak_fields=None if scanned is None else tuple(dict.fromkeys(scanned)),
        )

    def accepts_media_type(self, media_type: str) -> bool:
        if media_type in self.media_types:
            return True
        # application/json covers the structured-syntax suffix (RFC 6839): vnd.api+json, ...
        return "application/json" in self.media_types and media_type.endswith("+json")

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)


STANDARD = EnvelopeSchema(
    name="standard",
    fields=(
        EnvelopeField("status", fields.equals("error")),
        EnvelopeField("code", fields.error_code),
        EnvelopeField("message", fields.non_empty_string),
        EnvelopeField("details", fields.json_object),
        EnvelopeField("request_id", fields.request_id),
        EnvelopeField("timestamp", fields.timestamp),
    ),
    extra_fields=(),
    leak_fields=("message", "details"),
)

RFC9457 = EnvelopeSchema(
    name="rfc9457",
    fields=(
        EnvelopeField("type", fields.uri_reference),
        EnvelopeField("title", fields.non_empty_string),
        EnvelopeField("status", fields.http_status),
        EnvelopeField("detail", fields.non_empty_string),
        EnvelopeField("instance", fields.uri_reference, required=False),
        EnvelopeField("code", fields.error_code, required=False),
        EnvelopeField("request_id", fields.request_id, required=False),
        EnvelopeField("timestamp", fields.timestamp, required=False),
    ),
    media_types=("application/problem+json",),
    extra_fields=True,
    leak_fields=None,
)

SCHEMAS = {schema.name: schema for schema in (STANDARD, RFC9457)}
