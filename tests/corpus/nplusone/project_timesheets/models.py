from django.conf import settings
from django.db import models


class Project(models.Model):
    name = models.CharField(max_length=120)
    client = models.CharField(max_length=120, blank=True)
    active = models.BooleanField(default=True)


class Task(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    done = models.BooleanField(default=False)
    estimate_hours = models.DecimalField(max_digits=6, decimal_places=2, default=0)


class TimeEntry(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_entries")
    date = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)
