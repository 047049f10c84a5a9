from decimal import Decimal

from django.db import models


class Account(models.Model):
    class Kind(models.TextChoices):
        ASSET = "asset"
        LIABILITY = "liability"
        REVENUE = "revenue"
        EXPENSE = "expense"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    currency = models.CharField(max_length=3, default="EUR")
    balance = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    frozen = models.BooleanField(default=False)


class JournalEntry(models.Model):
    reference = models.CharField(max_length=64, unique=True)
    description = models.CharField(max_length=255, blank=True)
    posted_at = models.DateTimeField(auto_now_add=True)


class Posting(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(max_digits=18, decimal_places=2)


class DailyTotal(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="daily_totals")
    day = models.DateField()
    debit = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    credit = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0"))
    posting_count = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("account", "day")]


class ExternalStatementLine(models.Model):
    bank_reference = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    booked_on = models.DateField()
    matched_entry = models.ForeignKey(JournalEntry, null=True, blank=True, on_delete=models.SET_NULL)
