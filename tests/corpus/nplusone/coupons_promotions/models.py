from django.db import models


class Campaign(models.Model):
    name = models.CharField(max_length=120)
    budget_cents = models.PositiveIntegerField(default=0)


class Coupon(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="coupons")
    code = models.CharField(max_length=20, unique=True)
    percent_off = models.PositiveSmallIntegerField()
    max_redemptions = models.PositiveIntegerField(default=100)
    active = models.BooleanField(default=True)


class Redemption(models.Model):
    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="redemptions")
    customer_email = models.EmailField()
    order_reference = models.CharField(max_length=30)
    redeemed_at = models.DateTimeField(auto_now_add=True)
