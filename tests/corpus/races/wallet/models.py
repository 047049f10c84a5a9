from decimal import Decimal

from django.conf import settings
from django.db import models


class Wallet(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet"
    )
    balance = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    currency = models.CharField(max_length=3, default="EUR")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user} {self.balance} {self.currency}"


class Transaction(models.Model):
    TOPUP = "topup"
    WITHDRAWAL = "withdrawal"
    REFUND = "refund"
    BONUS = "bonus"
    KIND_CHOICES = [
        (TOPUP, "Top-up"),
        (WITHDRAWAL, "Withdrawal"),
        (REFUND, "Refund"),
        (BONUS, "Bonus"),
    ]

    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="transactions")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    reference = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
