from shop.services import total_for


class Order:
    def __init__(self, lines):
        self.lines = lines

    def total(self):
        return total_for(self)
