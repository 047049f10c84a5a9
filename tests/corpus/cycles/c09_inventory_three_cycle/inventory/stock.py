from inventory.warehouse import Warehouse


class StockLevel:
    def __init__(self, qty, warehouse=None):
        self.qty = qty
        self.warehouse = warehouse or Warehouse("main")
