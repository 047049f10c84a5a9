"""Order model; wires up signal handlers at import time."""
from shop.signals import order_saved


class Order:
    def __init__(self, total):
        self.total = total

    def save(self):
        order_saved(self)
