from store import helpers


def slug(text):
    return helpers.clean(text).replace(" ", "-")
