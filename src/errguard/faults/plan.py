"""A fault schedule: which external calls fail and how, as data that prints readably.

``errguard.strategies.fault_plans()`` draws these; when a property fails, Hypothesis shows the
shrunk :class:`FaultPlan` as the falsifying example.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from errguard.faults.core import FaultHandle, Faults
from errguard.faults.options import shown

FaultKind = Literal["http", "call", "db"]


@dataclass(frozen=True)
class PlannedFault:
    kind: FaultKind
    target: str | re.Pattern[str] | None  # URL, dotted path, or database alias (None: all)
    options: tuple[tuple[str, Any], ...] = ()

    def apply(self, faults: Faults) -> FaultHandle:
        options = dict(self.options)
        if self.kind == "http":
            assert self.target is not None
            return faults.http(self.target, **options)
        if self.kind == "call":
            assert isinstance(self.target, str)
            return faults.call(self.target, **options)
        assert self.target is None or isinstance(self.target, str)
        return faults.db(using=self.target, **options)

    def __repr__(self) -> str:
        shown_options = [f"{name}={shown(value)}" for name, value in self.options]
        if self.kind == "db":
            head = [] if self.target is None else [f"using={self.target!r}"]
        else:
            head = [repr(self.target)]
        return f"{self.kind}({', '.join(head + shown_options)})"


@dataclass(frozen=True)
class FaultPlan:
    faults: tuple[PlannedFault, ...] = ()

    def apply(self, faults: Faults) -> tuple[FaultHandle, ...]:
        """Declare every planned fault on ``faults`` (the fixture, or a ``Faults()``)."""
        return tuple(planned.apply(faults) for planned in self.faults)

    @contextmanager
    def inject(self) -> Iterator[Faults]:
        """The plan's faults, active for the ``with`` block (one Hypothesis example)."""
        with Faults() as faults:
            self.apply(faults)
            yield faults

    def __iter__(self) -> Iterator[PlannedFault]:
        return iter(self.faults)

    def __len__(self) -> int:
        return len(self.faults)

    def __repr__(self) -> str:
        return f"FaultPlan({', '.join(map(repr, self.faults))})"
