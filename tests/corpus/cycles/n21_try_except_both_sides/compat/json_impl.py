try:
    from compat.speedups import fast_dumps as dumps
except ImportError:
    from json import dumps

NAME = "json_impl"
