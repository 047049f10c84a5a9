from django.conf import settings
from django.db import models
from django.utils import timezone


class Physician(models.Model):
    name = models.CharField(max_length=120)
    npi = models.CharField("NPI", max_length=10, unique=True)
    department = models.CharField(max_length=60, blank=True)

    def __str__(self):
        return self.name


class Patient(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        UNKNOWN = "U", "Unknown"

    mrn = models.CharField("medical record number", max_length=20, unique=True)
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(null=True, blank=True)
    primary_physician = models.ForeignKey(
        Physician, null=True, blank=True, on_delete=models.SET_NULL, related_name="panel"
    )

    @property
    def full_name(self):
        return f"{self.family_name}, {self.given_name}"

    def __str__(self):
        return f"{self.mrn} {self.full_name}"


class Analyte(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=100)
    unit = models.CharField(max_length=20)

    def __str__(self):
        return self.code


class ReferenceRange(models.Model):
    analyte = models.ForeignKey(Analyte, on_delete=models.CASCADE, related_name="reference_ranges")
    sex = models.CharField(max_length=1, choices=Patient.Sex.choices, default=Patient.Sex.UNKNOWN)
    low = models.DecimalField(max_digits=10, decimal_places=3)
    high = models.DecimalField(max_digits=10, decimal_places=3)


class LabOrder(models.Model):
    class Status(models.TextChoices):
        PLACED = "placed", "Placed"
        RECEIVED = "received", "Received in lab"
        RESULTED = "resulted", "Resulted"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="lab_orders")
    ordering_physician = models.ForeignKey(
        Physician, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    priority = models.CharField(max_length=10, default="routine")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLACED)
    placed_at = models.DateTimeField(default=timezone.now)


class Specimen(models.Model):
    order = models.ForeignKey(LabOrder, on_delete=models.CASCADE, related_name="specimens")
    barcode = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=20, default="serum")
    collected_at = models.DateTimeField(default=timezone.now)


class TestResult(models.Model):
    specimen = models.ForeignKey(Specimen, on_delete=models.CASCADE, related_name="results")
    analyte = models.ForeignKey(Analyte, on_delete=models.PROTECT)
    value = models.DecimalField(max_digits=10, decimal_places=3)
    flag = models.CharField(max_length=2, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
