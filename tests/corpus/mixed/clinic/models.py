from django.conf import settings
from django.db import models


class Practitioner(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    specialty = models.CharField(max_length=80)
    max_daily_appointments = models.PositiveIntegerField(default=16)

    def __str__(self):
        return self.user.get_full_name()


class Patient(models.Model):
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    phone = models.CharField(max_length=32, blank=True)
    no_show_count = models.PositiveIntegerField(default=0)


class Slot(models.Model):
    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=20)
    capacity = models.PositiveSmallIntegerField(default=1)
    booked_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked"
        CANCELLED = "cancelled"
        ATTENDED = "attended"
        NO_SHOW = "no_show"

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="appointments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slot", "patient"], name="uniq_patient_per_slot"),
        ]


class WaitlistEntry(models.Model):
    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="waitlist")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE)
    requested_on = models.DateField()
    priority = models.PositiveSmallIntegerField(default=0)
    notified = models.BooleanField(default=False)


class ReminderPreference(models.Model):
    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="reminder_pref")
    sms = models.BooleanField(default=True)
    email = models.BooleanField(default=False)
    hours_before = models.PositiveSmallIntegerField(default=24)
