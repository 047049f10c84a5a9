"""Assorted best-effort helpers from the ``acme-toolkit`` package."""
import contextlib
import os
import shutil
import tempfile

import redis


def get_version():
    try:
        from importlib.metadata import version

        return version("acme-toolkit")
    except Exception:
        return "0+unknown"


def is_redis_available(url):
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.2).ping())
    except Exception:
        return False


class TempWorkspace:
    def __init__(self, prefix="acme-"):
        self.path = tempfile.mkdtemp(prefix=prefix)

    def __del__(self):
        try:
            shutil.rmtree(self.path)
        except Exception:
            pass


def cleanup(paths):
    for p in paths:
        with contextlib.suppress(Exception):
            os.remove(p)
