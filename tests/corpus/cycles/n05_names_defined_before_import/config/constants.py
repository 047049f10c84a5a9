DEFAULT_TIMEOUT = 30

from config.settings import RETRIES  # noqa: E402

MAX_ATTEMPTS = RETRIES + 1
