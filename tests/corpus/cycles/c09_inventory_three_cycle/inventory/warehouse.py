from inventory.product import Product


class Warehouse:
    def __init__(self, name):
        self.name = name
        self.products = [Product("sku-1")]
