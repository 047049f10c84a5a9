from django.conf import settings
from django.db import models


class Councillor(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField()


class Ward(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=120)
    councillor = models.ForeignKey(Councillor, null=True, blank=True, on_delete=models.SET_NULL, related_name="wards")


class Category(models.Model):
    name = models.CharField(max_length=80)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    department = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name_plural = "categories"


class Report(models.Model):
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="reports")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=12, default="open")
    created = models.DateTimeField(auto_now_add=True)


class StatusChange(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=12)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField()

    class Meta:
        get_latest_by = "at"


class Photo(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    url = models.URLField()


class Watch(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
