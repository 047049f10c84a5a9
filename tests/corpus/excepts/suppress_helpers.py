"""Small helpers shared across the codebase."""
import contextlib
import errno
import functools
import logging
import os

log = logging.getLogger(__name__)


@contextlib.contextmanager
def ignored(*exceptions):
    """``with ignored(OSError): ...`` -- predates contextlib.suppress."""
    try:
        yield
    except exceptions:
        pass


def remove_quietly(path):
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def makedirs(path):
    try:
        os.makedirs(path)
    except OSError as e:
        if e.errno != errno.EEXIST:
            raise


def retry(times=3, exceptions=(Exception,)):
    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(times):
                try:
                    return fn(*args, **kwargs)
                except exceptions as exc:
                    if attempt == times - 1:
                        raise
                    log.debug("retrying %s after %r", fn.__name__, exc)

        return wrapper

    return decorator


def safe_call(fn, *args, default=None, **kwargs):
    """Call ``fn``; on failure log the traceback and return ``default``."""
    try:
        return fn(*args, **kwargs)
    except Exception:
        log.exception("safe_call(%s) failed", getattr(fn, "__name__", fn))
        return default
