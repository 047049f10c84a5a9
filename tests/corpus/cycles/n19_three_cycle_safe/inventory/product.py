import inventory.stock


class Product:
    def stock(self):
        return inventory.stock.StockLevel()
