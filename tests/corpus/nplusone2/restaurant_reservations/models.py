from django.conf import settings
from django.db import models


class Restaurant(models.Model):
    name = models.CharField(max_length=120)
    reminder_hours = models.PositiveSmallIntegerField(default=24)


class DiningTable(models.Model):
    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="tables")
    label = models.CharField(max_length=10)
    seats = models.PositiveSmallIntegerField(default=2)


class Guest(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    vip = models.BooleanField(default=False)


class Reservation(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked"
        SEATED = "seated"
        NO_SHOW = "no_show"
        CANCELLED = "cancelled"

    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="reservations")
    table = models.ForeignKey(DiningTable, null=True, blank=True, on_delete=models.SET_NULL, related_name="reservations")
    guest = models.ForeignKey(Guest, on_delete=models.CASCADE, related_name="reservations")
    party_size = models.PositiveSmallIntegerField(default=2)
    starts_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    reminder_sent = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)


class Review(models.Model):
    reservation = models.OneToOneField(Reservation, on_delete=models.CASCADE, related_name="review")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
