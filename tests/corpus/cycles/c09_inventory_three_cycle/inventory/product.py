from inventory.stock import StockLevel


class Product:
    def __init__(self, sku):
        self.sku = sku

    def stock(self):
        return StockLevel(0)
