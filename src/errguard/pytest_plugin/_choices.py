"""A setting that takes one of a few words, from its command-line option or its ini name."""

from __future__ import annotations

import pytest


def choice(config: pytest.Config, name: str, choices: tuple[str, ...]) -> str:
    """The option whose ``dest`` is ``name``, else the ini setting ``name``, checked.

    A value outside ``choices`` (only the ini can hold one: argparse checks the option) is a
    usage error that names the setting.
    """
    value = config.getoption(name) or config.getini(name)
    word = str(value).strip().lower()
    if word not in choices:
        allowed = f"{', '.join(choices[:-1])} or {choices[-1]}"
        raise pytest.UsageError(f"{name} must be {allowed}, not {value!r}")
    return word
