from shop.utils import money


class Invoice:
    def __init__(self, order, amount=0):
        self.order = order
        self.amount = money(amount)
