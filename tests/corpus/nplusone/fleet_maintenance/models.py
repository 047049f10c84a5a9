from django.db import models


class Depot(models.Model):
    name = models.CharField(max_length=80)
    city = models.CharField(max_length=80)


class Vehicle(models.Model):
    depot = models.ForeignKey(Depot, on_delete=models.PROTECT, related_name="vehicles")
    plate = models.CharField(max_length=12, unique=True)
    make = models.CharField(max_length=40)
    model = models.CharField(max_length=40)
    mileage = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)
    retired = models.BooleanField(default=False)


class ServiceRecord(models.Model):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="service_records")
    date = models.DateField()
    mileage = models.PositiveIntegerField()
    description = models.CharField(max_length=255)
