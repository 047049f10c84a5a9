from shop import signals


class Order:
    def save(self):
        signals.order_saved(self)
