from django.db import models


class Tariff(models.Model):
    name = models.CharField(max_length=100)
    unit_price = models.DecimalField(max_digits=8, decimal_places=4)
    standing_charge = models.DecimalField(max_digits=8, decimal_places=4, default=0)


class Customer(models.Model):
    account_no = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="customers")


class Meter(models.Model):
    ELEC = "elec"
    GAS = "gas"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="meters")
    serial = models.CharField(max_length=30, unique=True)
    kind = models.CharField(max_length=4, default=ELEC)


class MeterReading(models.Model):
    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="readings")
    read_at = models.DateTimeField()
    value_kwh = models.DecimalField(max_digits=10, decimal_places=2)
    estimated = models.BooleanField(default=False)


class Invoice(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="invoices")
    period_start = models.DateField()
    period_end = models.DateField()
    total = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    sent = models.BooleanField(default=False)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    meter = models.ForeignKey(Meter, on_delete=models.PROTECT)
    kwh = models.DecimalField(max_digits=10, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
