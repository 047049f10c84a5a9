from tasks import jobs  # noqa: F401  load job definitions

TASKS = {}


def task(fn):
    TASKS[fn.__name__] = fn
    return fn
