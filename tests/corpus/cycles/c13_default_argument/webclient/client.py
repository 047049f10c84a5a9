from webclient import config


def fetch(url, timeout=config.DEFAULT_TIMEOUT):
    return url, timeout
