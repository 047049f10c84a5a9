from billing.models import Invoice


class Order:
    def invoice(self):
        return Invoice(self)
