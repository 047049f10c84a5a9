"""What a failed envelope check reports: problems, each about one field and its value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

_NO_VALUE: Final = object()
_SHOWN_CHARACTERS = 60


def show(value: object) -> str:
    """``repr`` of ``value``, shortened so that one problem stays one readable line."""
    if isinstance(value, str) and len(value) > _SHOWN_CHARACTERS:
        text = repr(value[:_SHOWN_CHARACTERS])
        return f"{text[:-1]}…{text[-1]}"
    text = repr(value)
    if len(text) > _SHOWN_CHARACTERS + 20:
        return f"{text[:_SHOWN_CHARACTERS]}…"
    return text


@dataclass(frozen=True)
class Problem:
    """One violation: ``subject`` (a field path such as ``details.token``), its value, why."""

    subject: str
    text: str
    value: object = _NO_VALUE

    def __str__(self) -> str:
        if self.value is _NO_VALUE:
            return f"{self.subject} {self.text}"
        return f"{self.subject} {show(self.value)} {self.text}"


def count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def bullet_list(items: Sequence[object], indent: str = "  ") -> str:
    return "\n".join(f"{indent}- {item}" for item in items)


class EnvelopeAssertionError(AssertionError):
    """An error response is not a valid envelope; ``problems`` lists every violation."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


EnvelopeAssertionError.__module__ = "errguard.testing"


def envelope_failure(problems: Sequence[Problem], response_label: str) -> EnvelopeAssertionError:
    message = (
        f"error envelope has {count(len(problems), 'problem')}:\n"
        f"{bullet_list(problems)}\n"
        f"  response: {response_label}"
    )
    return EnvelopeAssertionError(message, problems)
