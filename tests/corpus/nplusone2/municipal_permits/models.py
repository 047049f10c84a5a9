from django.conf import settings
from django.db import models


class Applicant(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField()
    is_business = models.BooleanField(default=False)

    def __str__(self):
        return self.name


class Parcel(models.Model):
    apn = models.CharField("assessor parcel number", max_length=20, unique=True)
    address = models.CharField(max_length=255)
    zoning = models.CharField(max_length=10)


class PermitType(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    fee = models.DecimalField(max_digits=8, decimal_places=2)
    requires_inspection = models.BooleanField(default=True)

    def __str__(self):
        return self.name


class Inspector(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inspector")
    district = models.CharField(max_length=10)


class Permit(models.Model):
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT)
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="permits")
    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT)
    number = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=12, default="review")
    submitted = models.DateField(auto_now_add=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")


class Inspection(models.Model):
    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="inspections")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="inspections")
    scheduled = models.DateTimeField()
    result = models.CharField(max_length=10, blank=True)


class Fee(models.Model):
    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="fees")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    paid = models.BooleanField(default=False)
