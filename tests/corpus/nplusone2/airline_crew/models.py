from django.conf import settings
from django.db import models


class Airport(models.Model):
    iata = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=120)
    city = models.CharField(max_length=80)


class AircraftType(models.Model):
    code = models.CharField(max_length=4, unique=True)
    name = models.CharField(max_length=60)
    min_cabin_crew = models.PositiveSmallIntegerField(default=4)


class Aircraft(models.Model):
    tail_number = models.CharField(max_length=10, unique=True)
    type = models.ForeignKey(AircraftType, on_delete=models.PROTECT, related_name="fleet")
    base = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="based_aircraft")


class Flight(models.Model):
    number = models.CharField(max_length=8)
    origin = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="departures")
    destination = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="arrivals")
    aircraft = models.ForeignKey(Aircraft, null=True, blank=True, on_delete=models.SET_NULL, related_name="flights")
    departs_at = models.DateTimeField()
    arrives_at = models.DateTimeField()


class CrewMember(models.Model):
    RANKS = [("CPT", "Captain"), ("FO", "First officer"), ("PUR", "Purser"), ("FA", "Flight attendant")]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    employee_id = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=120)
    rank = models.CharField(max_length=3, choices=RANKS)
    base = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="crew")
    qualifications = models.ManyToManyField(AircraftType, related_name="qualified_crew", blank=True)


class Duty(models.Model):
    flight = models.ForeignKey(Flight, on_delete=models.CASCADE, related_name="duties")
    crew_member = models.ForeignKey(CrewMember, on_delete=models.CASCADE, related_name="duties")
    position = models.CharField(max_length=10)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "duties"
