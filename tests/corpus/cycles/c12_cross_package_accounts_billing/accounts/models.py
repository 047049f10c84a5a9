from billing.invoices import Invoice


class Account:
    def __init__(self, name):
        self.name = name

    def invoice(self, amount):
        return Invoice(self, amount)
