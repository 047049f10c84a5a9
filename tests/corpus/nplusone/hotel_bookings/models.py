from django.db import models


class Hotel(models.Model):
    name = models.CharField(max_length=120)
    city = models.CharField(max_length=80)


class Room(models.Model):
    hotel = models.ForeignKey(Hotel, on_delete=models.CASCADE, related_name="rooms")
    number = models.CharField(max_length=10)
    kind = models.CharField(max_length=20, default="double")
    floor = models.IntegerField(default=1)


class RoomDetails(models.Model):
    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="details")
    beds = models.PositiveSmallIntegerField(default=2)
    has_balcony = models.BooleanField(default=False)
    minibar = models.BooleanField(default=True)


class Guest(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField()
    vip = models.BooleanField(default=False)


class Booking(models.Model):
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings")
    guest = models.ForeignKey(Guest, on_delete=models.PROTECT, related_name="bookings")
    guest_name = models.CharField(max_length=120)
    check_in = models.DateField()
    check_out = models.DateField()
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=12, default="confirmed")
