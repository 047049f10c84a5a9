from webclient import client

DEFAULT_TIMEOUT = 10


def ping():
    return client.fetch("/ping")
