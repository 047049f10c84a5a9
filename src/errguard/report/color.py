"""Whether to colour output, and the ANSI styles the human formats use.

``--color auto`` (the default) colours a stream that is a terminal. The environment decides
before that, as in pytest: ``NO_COLOR`` (https://no-color.org) set to anything non-empty turns
colour off, else ``FORCE_COLOR`` set to anything non-empty turns it on, even when piped.
``--color always`` and ``--color never`` override both.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

CHOICES = ("auto", "always", "never")

_RESET = "\x1b[0m"
STYLES = {
    "bold": "\x1b[1m",
    "dim": "\x1b[2m",
    "red": "\x1b[1;31m",
    "cyan": "\x1b[36m",
    "blue": "\x1b[1;34m",
    "green": "\x1b[32m",
    "yellow": "\x1b[33m",
    "underline": "\x1b[1;4m",
}


def use_color(choice: str, stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour what is written to ``stream`` (``choice`` is one of ``CHOICES``)."""
    if choice != "auto":
        return choice == "always"
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return is_terminal(stream)


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or file-less stream
        return False


class Painter:
    """Wraps text in ANSI styles, or leaves it plain when colour is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        if not self.enabled or not text:
            return text
        start = STYLES[style]
        # A styled part inside (inline code in bold text) resets everything: resume this style.
        return f"{start}{text.replace(_RESET, _RESET + start)}{_RESET}"
