"""Comments next to code: the ones a statement carries and the block right above it.

Rules that accept a deliberate choice (a race the author judged harmless, a query per row
whose cost is documented) read what the author wrote where the code is.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator, Sequence

# Debt markers say the opposite of acceptance: the author means to change the code.
DEBT = re.compile(r"\b(TODO|FIXME|XXX)\b")
# Words that judge a known cost or risk acceptable ("harmless", "fine", "should be rare").
FINE = re.compile(
    r"\bacceptable|\bharmless|\bfine\b|\bok(ay)?\b|\b(don'?t|do not) care|\bnegligible"
    r"|\b(does(n'?t| not)|won'?t|will not) matter|\bgood enough|\bnot (critical|important)"
    r"|\btolera|\bunlikely|\brare(ly)?\b",
    re.I,
)


def comments_within(lines: Sequence[str], first: int, last: int) -> Iterator[str]:
    """The comments on lines ``first``..``last`` (1-based), read as tokens so that a ``#``
    inside a string is not one."""
    text = "".join(line if line.endswith("\n") else f"{line}\n" for line in lines[first - 1 : last])
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        tokens = []
    yield from (token.string for token in tokens if token.type == tokenize.COMMENT)


def comments_above(lines: Sequence[str], line: int) -> Iterator[str]:
    """The block of comment lines right above line ``line`` (1-based), nearest first."""
    above = line - 2
    while above >= 0 and lines[above].strip().startswith("#"):
        yield lines[above].strip()
        above -= 1
