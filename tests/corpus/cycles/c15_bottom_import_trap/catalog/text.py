from catalog.base import Item


def slugify(value):
    return value.lower().replace(" ", "-")


def item_slug(item: Item):
    return slugify(item.name)
