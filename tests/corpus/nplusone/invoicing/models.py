from decimal import Decimal

from django.db import models


class Client(models.Model):
    name = models.CharField(max_length=200)
    vat_number = models.CharField(max_length=20, blank=True)
    email = models.EmailField()


class Invoice(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=20, unique=True)
    issued = models.DateField()
    due = models.DateField()
    status = models.CharField(max_length=10, default="open")

    def total(self):
        return sum((line.quantity * line.unit_price for line in self.lines.all()), Decimal("0"))

    def is_overdue(self, today):
        return self.status == "open" and self.due < today


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=8, decimal_places=2)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
