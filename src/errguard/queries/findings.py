"""N+1 findings: what was found, where, how often, and the change that fixes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from errguard.queries.callsite import CallSite
from errguard.queries.serializer_sites import MANY, VIEW_QUERYSET
from errguard.queries.template_sites import is_template_function

RelationKind = Literal["single", "many", "deferred"]
"""``single``: forward FK/one-to-one or reverse one-to-one; ``many``: reverse FK or M2M."""

LAZY_LOAD_MINIMUM = 2
"""A lazy load counts as N+1 from its second occurrence at one call site in one test."""


@dataclass(frozen=True)
class NPlusOne:
    """One N+1 pattern found in one test."""

    key: str
    """Identifies the pattern across tests (and xdist workers) for the summary."""
    summary: str
    """``Book.author loaded lazily at app/reports.py:9 in book_author_names``."""
    count: int
    fix: str
    site: CallSite | None
    load: LazyLoad | None = None
    """The relation or deferred field loaded per row, for a lazy load (None: a repeated read)."""
    sql: str | None = None
    """The query's shape, for a repeated read."""

    def describe(self) -> str:
        return f"{self.summary} ({self.count} times)\n  fix: {self.fix}"


def _site_text(site: CallSite | None) -> str:
    return str(site) if site is not None else "a call site outside project code"


def _where(origin_site: CallSite | None) -> str:
    if origin_site is None:
        return "the queryset that loaded them"
    if is_template_function(origin_site.function):
        # The template only iterates a context variable; where the view built the queryset
        # is not traced, so name the view that rendered the template.
        rendered = origin_site.rendered_from
        view = f" (rendered from {rendered.location})" if rendered is not None else ""
        return f"the queryset that {origin_site.function} iterates at {origin_site.location}{view}"
    if origin_site.function.startswith(VIEW_QUERYSET):
        return f"{origin_site.function} ({origin_site.location})"
    if origin_site.function.endswith(MANY):
        return f"the queryset {origin_site.function} serializes ({origin_site.location})"
    return f"the queryset iterated at {origin_site.location}"


@dataclass(frozen=True)
class LazyLoad:
    """A relation or deferred field loaded one instance at a time."""

    model: str
    """The model of the instances the attribute was read on (``Book``)."""
    name: str
    """The attribute (``author``, ``book_set``, ``tags``, or a deferred field)."""
    kind: RelationKind
    path: str
    """The lookup from the iterated queryset's model to this attribute (``author__publisher``)."""
    through_many: bool
    """The path crosses a multi-valued relation, so only prefetch_related can reach it."""
    prefetched: bool
    """The relation was prefetched, but the code filtered or ordered it and queried again."""
    origin_site: CallSite | None
    """Where the multi-row queryset the instances came from was iterated."""

    @property
    def method(self) -> str | None:
        """The queryset method whose call with ``path`` loads the rows up front, if one does:
        None for a deferred field and for a prefetched relation filtered again."""
        if self.kind == "deferred" or self.prefetched:
            return None
        return "prefetch_related" if self.kind == "many" or self.through_many else "select_related"

    def fix(self) -> str:
        where = _where(self.origin_site)
        if self.kind == "deferred":
            return (
                f'stop deferring "{self.path}": '
                f"drop it from .defer() or add it to .only() on {where}"
            )
        if self.prefetched:
            return (
                f'"{self.path}" was prefetched, but filtering or ordering it runs a new query: '
                f'use Prefetch("{self.path}", queryset=...) on {where}, '
                "or filter the prefetched objects in Python"
            )
        return f'add .{self.method}("{self.path}") to {where}'

    def finding(self, site: CallSite | None, count: int) -> NPlusOne:
        what = f"{self.model}.{self.name}"
        if self.kind == "deferred":
            what = f"deferred field {what}"
        verb = "queried again despite prefetch_related" if self.prefetched else "loaded lazily"
        location = site.location if site is not None else "?"
        return NPlusOne(
            key=f"lazy:{what}:{location}",
            summary=f"{what} {verb} at {_site_text(site)}",
            count=count,
            fix=self.fix(),
            site=site,
            load=self,
        )


def repeated_query(shape_text: str, site: CallSite | None, count: int) -> NPlusOne:
    """The same read (literals stripped) run ``count`` times from one line of project code."""
    location = site.location if site is not None else "?"
    return NPlusOne(
        key=f"query:{location}:{shape_text}",
        summary=f"the same query ran repeatedly at {_site_text(site)}: {shape_text}",
        count=count,
        fix=(
            "load the rows in one query before the loop (filter(<field>__in=...), in_bulk(), "
            "select_related/prefetch_related, or annotate()) instead of one query per iteration"
        ),
        site=site,
        sql=shape_text,
    )


def failure_message(findings: list[NPlusOne]) -> str:
    noun = "pattern" if len(findings) == 1 else "patterns"
    lines = [f"N+1 queries: {len(findings)} {noun} in this test"]
    lines.extend(finding.describe() for finding in findings)
    lines.append(
        "Opt a test out with @pytest.mark.allow_nplusone; --nplusone=warn reports without failing."
    )
    return "\n".join(lines)
