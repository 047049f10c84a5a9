DEFAULT_TIMEOUT = 30

from config import settings  # noqa: E402

MAX_ATTEMPTS = settings.RETRIES + 1
