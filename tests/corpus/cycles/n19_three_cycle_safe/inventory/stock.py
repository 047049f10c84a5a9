from inventory import warehouse


class StockLevel:
    def where(self):
        return warehouse.Warehouse()
