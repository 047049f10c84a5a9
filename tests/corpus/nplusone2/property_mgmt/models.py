from django.conf import settings
from django.db import models


class Building(models.Model):
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=255)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self):
        return self.name


class Unit(models.Model):
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="units")
    number = models.CharField(max_length=10)
    bedrooms = models.PositiveSmallIntegerField(default=1)

    def __str__(self):
        return f"{self.number}"


class Tenant(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)

    def __str__(self):
        return self.name


class Lease(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="leases")
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="leases")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    monthly_rent = models.DecimalField(max_digits=8, decimal_places=2)
    active = models.BooleanField(default=True)


class Payment(models.Model):
    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    paid_on = models.DateField()
    method = models.CharField(max_length=20, default="transfer")


class MaintenanceRequest(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE)
    reported_by = models.ForeignKey(Tenant, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=10, default="open")
    summary = models.CharField(max_length=255)
