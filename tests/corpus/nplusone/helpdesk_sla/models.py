from django.conf import settings
from django.db import models


class Team(models.Model):
    name = models.CharField(max_length=80)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_teams")


class Ticket(models.Model):
    LOW, NORMAL, HIGH, URGENT = 1, 2, 3, 4
    subject = models.CharField(max_length=200)
    requester_email = models.EmailField()
    priority = models.PositiveSmallIntegerField(default=NORMAL)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets")
    watchers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="watched_tickets")
    status = models.CharField(max_length=12, default="new")


class EscalationRule(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="escalation_rules")
    min_priority = models.PositiveSmallIntegerField()
    notify_lead = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
