from decimal import Decimal

from django.db import models


class Customer(models.Model):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    provider_customer_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.email


class Invoice(models.Model):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    STATUS_CHOICES = [(DRAFT, "Draft"), (OPEN, "Open"), (PAID, "Paid")]

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=32, unique=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    status = models.CharField(max_length=8, choices=STATUS_CHOICES, default=DRAFT)
    issued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.number


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    provider_ref = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)


class SavingsAccount(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="savings_accounts")
    iban = models.CharField(max_length=34, unique=True)
    balance = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    monthly_rate = models.DecimalField(max_digits=7, decimal_places=6)
    is_active = models.BooleanField(default=True)
    interest_accrued_at = models.DateTimeField(null=True, blank=True)
