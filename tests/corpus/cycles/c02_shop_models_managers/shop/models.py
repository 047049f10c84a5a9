from .managers import OrderManager


class Order:
    objects = OrderManager()

    def __init__(self, pk):
        self.pk = pk
