"""Which of today's findings a baseline already records, and which recorded ones are gone.

Each finding takes one unit of an entry's count. Matching runs in tiers, each over the findings
and counts the tiers before left over, so a closer match is always preferred:

1. rule, path, scope and fingerprint: the same code in the same place (lines moved, the code
   re-indented or reformatted, other code edited);
2. rule, path and fingerprint: the function or class around it renamed, or the code moved to
   another function of the file;
3. rule, scope and fingerprint, against entries whose file no longer exists: the file moved
   or renamed;
4. rule and fingerprint, against entries whose file no longer exists: the file moved and the
   function around the code renamed.

Within each tier, findings whose surrounding statement (the context) is also the same are
matched first: of two identical findings in renamed functions, each takes its own entry.
Tiers 3 and 4 only take entries of files that are gone, so a copy of a file, or an identical
finding added in another file while the recorded one is still there, is new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from errguard.baseline.fingerprint import Identity
from errguard.baseline.store import Entry

InReach = Callable[[Entry], bool]
Gone = Callable[[str], bool]
# The tiers: what of a finding's place must stay the same, and whether the tier matches across
# files. Each is tried with the context first, then without.
PLACES: tuple[tuple[tuple[str, ...], bool], ...] = (
    (("path", "scope"), False),
    (("path",), False),
    (("scope",), True),
    ((), True),
)


def _key(identity: Identity, place: tuple[str, ...], with_context: bool) -> tuple[str, ...]:
    parts = (identity.code, identity.fingerprint, *(getattr(identity, name) for name in place))
    return (*parts, identity.context) if with_context else parts


@dataclass(frozen=True)
class Comparison:
    matches: tuple[int | None, ...]
    """For each finding, the index of the entry it matched, or None: a new finding."""
    absent: tuple[tuple[Entry, int], ...]
    """Entries this run could have found but did not, with how many of their count: fixed."""
    untouched: tuple[Entry, ...]
    """Entries out of this run's reach (a file it did not check, a rule it did not run)."""

    @property
    def fixed(self) -> int:
        return sum(count for _, count in self.absent)

    def is_new(self, index: int) -> bool:
        return self.matches[index] is None


def compare(
    entries: Sequence[Entry],
    findings: Sequence[Identity],
    *,
    in_reach: InReach,
    gone: Gone,
) -> Comparison:
    """Match ``findings`` (in report order) against ``entries``.

    ``in_reach(entry)``: whether this run checked the entry's file with the entry's rule (or
    the file is gone); other entries neither match nor count as fixed. ``gone(path)``: whether
    the file at a baseline path no longer exists.
    """
    left = [entry.count if in_reach(entry) else 0 for entry in entries]
    matches: list[int | None] = [None] * len(findings)
    tiers = [(place, across, context) for place, across in PLACES for context in (True, False)]
    for place, across_files, with_context in tiers:
        candidates: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
        for number, entry in enumerate(entries):
            if left[number] and (not across_files or gone(entry.identity.path)):
                candidates[_key(entry.identity, place, with_context)].append(number)
        for index, finding in enumerate(findings):
            if matches[index] is not None:
                continue
            key = _key(finding, place, with_context)
            match = next((n for n in candidates.get(key, ()) if left[n]), None)
            if match is not None:
                left[match] -= 1
                matches[index] = match
    absent = tuple((entry, left[n]) for n, entry in enumerate(entries) if left[n])
    untouched = tuple(entry for entry in entries if not in_reach(entry))
    return Comparison(tuple(matches), absent, untouched)


def updated(
    entries: Sequence[Entry],
    comparison: Comparison,
    findings: Sequence[Identity],
    messages: Sequence[str],
) -> list[Entry]:
    """The baseline without what is fixed: each matched finding recorded as it is now (a moved
    file's new path, a renamed function's new name), entries out of reach as they were, and no
    new finding."""
    kept = list(comparison.untouched)
    for finding, message, number in zip(findings, messages, comparison.matches, strict=True):
        if number is None:
            continue
        recorded = entries[number]
        # The recorded message while the finding is where it was: no churn in the file.
        same = recorded.identity == finding
        kept.append(Entry(finding, 1, recorded.message if same else message))
    return kept
