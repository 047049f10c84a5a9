from store import utils


def clean(text):
    return text.strip().lower()


def make_slug(text):
    return utils.slug(text)
