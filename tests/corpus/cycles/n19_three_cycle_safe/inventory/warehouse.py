from inventory import product


class Warehouse:
    def products(self):
        return [product.Product()]
