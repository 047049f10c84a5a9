from django.conf import settings
from django.db import models


class DailyReport(models.Model):
    SALES = "sales"
    SIGNUPS = "signups"
    REFUNDS = "refunds"
    KIND_CHOICES = [(SALES, "Sales"), (SIGNUPS, "Signups"), (REFUNDS, "Refunds")]

    date = models.DateField()
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    payload = models.JSONField(default=dict)
    generated_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date", "kind"], name="reports_unique_daily_report")
        ]


class ReportSubscription(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kind = models.CharField(max_length=16, choices=DailyReport.KIND_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = ("user", "kind")


class ExportJob(models.Model):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE)
    status = models.CharField(max_length=10, default=PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.TextField(blank=True)
