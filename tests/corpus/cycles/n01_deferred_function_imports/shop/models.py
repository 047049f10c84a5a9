from shop.signals import order_saved


class Order:
    def save(self):
        order_saved(self)
