try:
    from compat.json_impl import NAME as BASE_NAME
except ImportError:
    BASE_NAME = "unknown"


def fast_dumps(obj):
    return repr(obj)
