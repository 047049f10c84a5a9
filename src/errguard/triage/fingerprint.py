"""One failure as a record that crosses pytest-xdist: what failed, where, and its fingerprint.

The fingerprint hashes the exception's class, the class of the exception it was raised from,
the normalised message and the innermost frame of project or test code as path (relative to
the rootdir) and function: no line number, so an edit above it keeps the fingerprint, and no
absolute path, so it is the same on every machine.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

from errguard.triage.classify import cause_of, chain, classify, dotted_name
from errguard.triage.normalize import MessageNormalizer

if TYPE_CHECKING:
    from errguard.queries.callsite import CallSiteFinder

FINGERPRINT_LENGTH = 8


@dataclass(frozen=True)
class Signature:
    """What a failure is, the same for every failure of one cause."""

    fingerprint: str
    exception: str
    """The dotted class name, builtins without their module: ``KeyError``."""
    cause: str | None
    """The class of the exception it was raised from (its cause, else its context)."""
    message: str
    """Normalised: the first line, with placeholders for its volatile parts."""
    frame: str | None
    """``path/to/module.py in function``: the innermost frame of project or test code."""
    category: str
    injected: bool
    """Raised by a fault of errguard's ``faults`` fixture (or raised from one)."""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Signature:
        """The signature among ``data``'s keys (a failure's or a cause's JSON)."""
        return cls(**{item.name: data[item.name] for item in fields(cls)})

    @property
    def label(self) -> str:
        """The category, and whether the fault was injected by errguard: ``database, injected``."""
        return f"{self.category}, injected" if self.injected else self.category

    @property
    def description(self) -> str:
        raised_from = f" (from {self.cause})" if self.cause else ""
        return f"{self.exception}{raised_from}: {self.message}"


@dataclass(frozen=True)
class Failure:
    """A failed phase (setup, call or teardown) of one test."""

    test: str
    """The test's node id, with `` (setup)`` or `` (teardown)`` outside the call phase."""
    signature: Signature

    def to_json(self) -> dict[str, Any]:
        return {"test": self.test, **asdict(self.signature)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Failure:
        return cls(data["test"], Signature.from_json(data))


class Fingerprinter:
    """Makes the failure records of one project."""

    def __init__(
        self, finder: CallSiteFinder, normalizer: MessageNormalizer, categories: Mapping[str, str]
    ) -> None:
        self.finder = finder
        self.normalizer = normalizer
        self.categories = categories

    def failure(self, test: str, error: BaseException) -> Failure:
        cause = cause_of(error)
        site = self.finder.innermost_in_traceback(error.__traceback__)
        frame = None if site is None else f"{site.path} in {site.function}"
        return self.record(
            test,
            exception=type_name(type(error)),
            cause=None if cause is None else type_name(type(cause)),
            message=self.normalizer.normalize(_message_of(error)),
            frame=frame,
            category=classify(error, self.categories),
            injected=is_injected(error),
        )

    def failure_without_exception(self, test: str, text: str) -> Failure:
        """A failure pytest reports with no exception (a strict xfail that passed)."""
        return self.record(
            test,
            exception="Failed",
            cause=None,
            message=self.normalizer.normalize(text),
            frame=None,
            category="assertion",
            injected=False,
        )

    @staticmethod
    def record(test: str, **fields: Any) -> Failure:
        parts = (
            fields["exception"],
            fields["cause"] or "",
            fields["message"],
            fields["frame"] or "",
        )
        digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        return Failure(test, Signature(fingerprint=digest[:FINGERPRINT_LENGTH], **fields))


def _message_of(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:  # a broken __str__ must not break pytest's report
        return f"<unprintable {type(error).__qualname__}>"


def type_name(cls: type) -> str:
    return cls.__qualname__ if cls.__module__ == "builtins" else dotted_name(cls)


def is_injected(error: BaseException) -> bool:
    # Only if a test used faults: errguard.faults is never imported for triage's sake.
    options = sys.modules.get("errguard.faults.options")
    if options is None:
        return False
    return any(getattr(exception, options.INJECTED, False) is True for exception in chain(error))
