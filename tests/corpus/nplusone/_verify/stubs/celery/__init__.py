"""Minimal stand-in for celery.shared_task so case tasks.py modules import."""


def shared_task(*dargs, **dkwargs):
    def wrap(fn):
        fn.delay = fn
        fn.apply_async = lambda args=(), kwargs=None, **kw: fn(*args, **(kwargs or {}))
        return fn

    if len(dargs) == 1 and callable(dargs[0]) and not dkwargs:
        return wrap(dargs[0])
    return wrap
