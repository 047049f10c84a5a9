from .load import Loader


def transform(rows):
    return Loader().load([r * 2 for r in rows])
