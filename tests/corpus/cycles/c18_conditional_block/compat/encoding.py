from compat.strings import to_bytes

DEFAULT_ENCODING = "utf-8"


def encode_all(items):
    return [to_bytes(i) for i in items]
