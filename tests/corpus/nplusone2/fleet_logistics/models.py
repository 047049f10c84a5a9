from django.db import models
from django.utils import timezone


class Depot(models.Model):
    code = models.CharField(max_length=6, unique=True)
    city = models.CharField(max_length=80)


class Vehicle(models.Model):
    depot = models.ForeignKey(Depot, on_delete=models.PROTECT, related_name="vehicles")
    registration = models.CharField(max_length=12, unique=True)
    make = models.CharField(max_length=40)
    capacity_kg = models.PositiveIntegerField(default=3500)
    active = models.BooleanField(default=True)


class Driver(models.Model):
    name = models.CharField(max_length=100)
    licence_no = models.CharField(max_length=20, unique=True)
    home_depot = models.ForeignKey(Depot, on_delete=models.PROTECT, related_name="drivers")
    phone = models.CharField(max_length=20, blank=True)


class Trip(models.Model):
    STATUS = [("planned", "Planned"), ("running", "Running"), ("closed", "Closed")]

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="trips")
    driver = models.ForeignKey(Driver, null=True, blank=True, on_delete=models.SET_NULL, related_name="trips")
    status = models.CharField(max_length=10, choices=STATUS, default="planned")
    started_at = models.DateTimeField(default=timezone.now)
    distance_km = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    notes = models.TextField(blank=True)


class FuelLog(models.Model):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="fuel_logs")
    litres = models.DecimalField(max_digits=7, decimal_places=2)
    cost = models.DecimalField(max_digits=8, decimal_places=2)
    logged_at = models.DateTimeField(default=timezone.now)


class MaintenanceRecord(models.Model):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="maintenance")
    kind = models.CharField(max_length=40)
    due_on = models.DateField()
    done = models.BooleanField(default=False)
