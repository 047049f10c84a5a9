import sys

if sys.version_info >= (3, 8):
    from compat.encoding import DEFAULT_ENCODING
else:
    DEFAULT_ENCODING = "ascii"


def to_bytes(s):
    return s.encode(DEFAULT_ENCODING)
