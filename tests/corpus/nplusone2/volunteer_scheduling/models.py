from django.conf import settings
from django.db import models


class Organization(models.Model):
    name = models.CharField(max_length=120)


class Role(models.Model):
    name = models.CharField(max_length=60, unique=True)


class Event(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=200)
    date = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)


class Shift(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shifts")
    role = models.ForeignKey(Role, on_delete=models.PROTECT)
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    slots = models.PositiveSmallIntegerField(default=1)
    filled = models.PositiveSmallIntegerField(default=0)


class Volunteer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer")
    phone = models.CharField(max_length=30, blank=True)
    skills = models.ManyToManyField(Role, blank=True)


class Signup(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="signups")
    status = models.CharField(max_length=12, default="confirmed")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("shift", "volunteer")]
