"""The ``error_envelope`` fixture and the ``errguard_envelope_*`` ini options.

The session's configuration (pyproject ``[tool.errguard.envelope]`` under the ini options) is
made active at configure time, so plain ``errguard.testing.assert_error_envelope`` calls use it.
The assertions themselves (and their leak patterns) are imported only when a test asks for the
fixture: a run that never checks an envelope does not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from errguard.config import ConfigError
from errguard.envelopes.config import (
    OPTIONS,
    EnvelopeConfig,
    activate,
    deactivate,
    load_envelope_config,
)

if TYPE_CHECKING:
    from errguard.envelopes.assertions import ErrorEnvelope

_CONFIG = pytest.StashKey[EnvelopeConfig]()
_UNSET: tuple[object, ...] = (None, "", [])  # what getini gives for an unset option


def pytest_addoption(parser: pytest.Parser) -> None:
    for option in OPTIONS:
        parser.addini(option.ini_name, option.help, type=option.ini_type, default=None)


def pytest_configure(config: pytest.Config) -> None:
    ini = {
        option.key: value
        for option in OPTIONS
        if (value := config.getini(option.ini_name)) not in _UNSET
    }
    try:
        envelope_config = load_envelope_config(config.rootpath, ini)
    except ConfigError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[_CONFIG] = envelope_config
    activate(envelope_config)
    config.add_cleanup(lambda: deactivate(envelope_config))


@pytest.fixture
def error_envelope(request: pytest.FixtureRequest) -> ErrorEnvelope:
    """Assert error envelopes: ``error_envelope(response, status=404)``, ``.sweep(client)``."""
    from errguard.envelopes.assertions import ErrorEnvelope

    return ErrorEnvelope(request.config.stash[_CONFIG])
