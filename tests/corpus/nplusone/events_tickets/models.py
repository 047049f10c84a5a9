import uuid

from django.db import models


class Venue(models.Model):
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=255)


class Event(models.Model):
    name = models.CharField(max_length=200)
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="events")
    starts_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    is_sold_out = models.BooleanField(default=False)


class Attendee(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField()


class Ticket(models.Model):
    RESERVED, PAID, CANCELLED = "reserved", "paid", "cancelled"
    STATUS_CHOICES = [(RESERVED, "Reserved"), (PAID, "Paid"), (CANCELLED, "Cancelled")]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tickets")
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="tickets")
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=RESERVED)
    code = models.UUIDField(default=uuid.uuid4, editable=False)
