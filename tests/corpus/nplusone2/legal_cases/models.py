from django.conf import settings
from django.db import models


class Client(models.Model):
    name = models.CharField(max_length=200)
    is_corporate = models.BooleanField(default=False)

    def __str__(self):
        return self.name


class Attorney(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attorney")
    bar_number = models.CharField(max_length=20, unique=True)
    hourly_rate = models.DecimalField(max_digits=8, decimal_places=2, default=250)


class Matter(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="matters")
    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=255)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    attorneys = models.ManyToManyField(Attorney, through="Assignment", related_name="matters")

    def __str__(self):
        return self.reference


class Assignment(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "Lead counsel"
        ASSOCIATE = "assoc", "Associate"
        PARALEGAL = "para", "Paralegal"

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="assignments")
    attorney = models.ForeignKey(Attorney, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.ASSOCIATE)
    since = models.DateField(auto_now_add=True)


class Deadline(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="deadlines")
    due = models.DateField()
    description = models.CharField(max_length=255)
    completed = models.BooleanField(default=False)


class TimeEntry(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="time_entries")
    attorney = models.ForeignKey(Attorney, on_delete=models.PROTECT, related_name="time_entries")
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    billed = models.BooleanField(default=False)
    worked_on = models.DateField()
