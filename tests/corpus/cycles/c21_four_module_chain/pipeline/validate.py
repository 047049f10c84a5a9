from .extract import extract


class Validated:
    pass


def revalidate():
    return extract()
