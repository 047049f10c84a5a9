"""The text of a query-count failure: the queries grouped by shape (literals stripped) with
counts and call sites, then each query numbered in the order it ran."""

from __future__ import annotations

from collections import Counter

from errguard.queries.log import QueryEntry
from errguard.queries.normalize import display, shape

MAX_LISTED = 50
"""Queries listed one by one in a failure; the groups above the list cover the rest."""


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def expectation(kind: str, expected: int, using: str | None, scope: str = "") -> str:
    """``Expected at most 2 queries`` (+ `` on "other"``, + ``scope``)."""
    alias = f' on "{using}"' if using is not None else ""
    return f"Expected {kind} {_plural(expected, 'query', 'queries')}{alias}{scope}"


def _site(entry: QueryEntry) -> str:
    return str(entry.call_site) if entry.call_site is not None else "(no project frame)"


def count_failure(expected: str, entries: list[QueryEntry]) -> str:
    """``Expected at most 2 queries, 13 were executed:`` followed by the queries."""
    verb = "was" if len(entries) == 1 else "were"
    head = f"{expected}, {len(entries)} {verb} executed"
    if not entries:
        return head + "."
    several_aliases = len({entry.alias for entry in entries}) > 1

    def alias(entry: QueryEntry) -> str:
        return f"[{entry.alias}] " if several_aliases else ""

    groups: dict[tuple[str, str], list[QueryEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.alias, shape(entry.sql)), []).append(entry)
    lines = [head + ":"]
    if len(groups) < len(entries):
        ordered = sorted(groups.values(), key=len, reverse=True)  # stable: ties keep first seen
        width = len(str(len(ordered[0])))
        for members in ordered:
            sites = Counter(_site(member) for member in members)
            if len(sites) == 1:
                where = next(iter(sites))
            else:
                where = ", ".join(f"{site} ({count}x)" for site, count in sites.most_common())
            count = f"{len(members)}x".rjust(width + 1)
            sql_shape = shape(members[0].sql)
            lines.append(f"  {count} {alias(members[0])}{display(sql_shape)}  — {where}")
        lines.append("In order:")
    number_width = len(str(min(len(entries), MAX_LISTED)))
    for number, entry in enumerate(entries[:MAX_LISTED], start=1):
        lines.append(
            f"  {number:>{number_width}}. {alias(entry)}{display(entry.sql)}  — {_site(entry)}"
        )
    if len(entries) > MAX_LISTED:
        lines.append(f"  ... and {len(entries) - MAX_LISTED} more")
    return "\n".join(lines)
