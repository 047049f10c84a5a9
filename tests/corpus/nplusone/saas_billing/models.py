from django.db import models


class Plan(models.Model):
    name = models.CharField(max_length=60)
    price_cents = models.PositiveIntegerField()
    interval = models.CharField(max_length=10, default="month")


class PaymentMethod(models.Model):
    token = models.CharField(max_length=64)
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)


class Customer(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField()
    payment_method = models.ForeignKey(PaymentMethod, on_delete=models.SET_NULL, null=True, blank=True)


class Subscription(models.Model):
    ACTIVE, PAST_DUE, CANCELED = "active", "past_due", "canceled"
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="subscriptions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=10, default=ACTIVE)
    current_period_end = models.DateField()


class Invoice(models.Model):
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="invoices")
    period_start = models.DateField()
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=10, default="draft")
