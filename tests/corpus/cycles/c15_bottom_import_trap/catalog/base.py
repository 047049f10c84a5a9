class Item:
    def __init__(self, name):
        self.name = name

    def label(self):
        return slugify(self.name)


# imported at the bottom "to avoid the circular import"
from catalog.text import slugify  # noqa: E402
