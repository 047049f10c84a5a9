from . import transform


def extract():
    return transform.transform([1, 2, 3])
