RETRIES = 3

from config.constants import DEFAULT_TIMEOUT  # noqa: E402

TIMEOUT = DEFAULT_TIMEOUT
