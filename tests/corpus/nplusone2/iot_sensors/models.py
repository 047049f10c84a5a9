from django.conf import settings
from django.db import models


class Site(models.Model):
    name = models.CharField(max_length=100)
    timezone = models.CharField(max_length=40, default="UTC")


class Gateway(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="gateways")
    serial = models.CharField(max_length=32, unique=True)
    firmware = models.CharField(max_length=20, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)


class GatewayConfig(models.Model):
    gateway = models.OneToOneField(Gateway, on_delete=models.CASCADE, related_name="config")
    report_interval_s = models.PositiveIntegerField(default=60)
    target_firmware = models.CharField(max_length=20, blank=True)


class SensorKind(models.Model):
    code = models.CharField(max_length=20, unique=True)
    unit = models.CharField(max_length=10)


class Sensor(models.Model):
    gateway = models.ForeignKey(Gateway, on_delete=models.CASCADE, related_name="sensors")
    kind = models.ForeignKey(SensorKind, on_delete=models.PROTECT)
    label = models.CharField(max_length=60)
    threshold_high = models.FloatField(null=True, blank=True)
    active = models.BooleanField(default=True)


class Reading(models.Model):
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="readings")
    value = models.FloatField()
    taken_at = models.DateTimeField(db_index=True)

    class Meta:
        get_latest_by = "taken_at"


class Alert(models.Model):
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="alerts")
    reading = models.OneToOneField(Reading, null=True, blank=True, on_delete=models.SET_NULL, related_name="alert")
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    message = models.CharField(max_length=255)
