import csv
import io
import logging
from datetime import date

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import OperationalError
from django.utils import timezone

from .builders import build_payload
from .models import DailyReport, ExportJob, ReportSubscription

logger = logging.getLogger(__name__)

DEFAULT_KINDS = (DailyReport.SALES, DailyReport.SIGNUPS)


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def generate_daily_report(self, day_iso, kind):
    day = date.fromisoformat(day_iso)
    if DailyReport.objects.filter(date=day, kind=kind).exists():
        logger.info("%s report for %s already generated", kind, day)
        return None
    payload = build_payload(day, kind)
    report = DailyReport.objects.create(date=day, kind=kind, payload=payload)
    return report.pk


@shared_task
def regenerate_daily_report(day_iso, kind):
    day = date.fromisoformat(day_iso)
    report, _ = DailyReport.objects.update_or_create(
        date=day,
        kind=kind,
        defaults={"payload": build_payload(day, kind), "generated_at": timezone.now()},
    )
    return report.pk


@shared_task
def subscribe_to_default_reports(user_id):
    for kind in DEFAULT_KINDS:
        if ReportSubscription.objects.filter(user_id=user_id, kind=kind).count() == 0:
            ReportSubscription.objects.create(user_id=user_id, kind=kind)


@shared_task
def email_daily_report(day_iso, kind):
    day = date.fromisoformat(day_iso)
    report = DailyReport.objects.filter(date=day, kind=kind).first()
    if report is None:
        logger.warning("no %s report for %s; nothing to send", kind, day)
        return 0
    recipients = list(
        ReportSubscription.objects.filter(kind=kind)
        .select_related("user")
        .values_list("user__email", flat=True)
    )
    if recipients:
        send_mail(
            f"{report.get_kind_display()} report for {day:%d %b %Y}",
            "\n".join(f"{k}: {v}" for k, v in report.payload.items()),
            None,
            recipients,
        )
    DailyReport.objects.filter(pk=report.pk).update(emailed_at=timezone.now())
    return len(recipients)


@shared_task(acks_late=True)
def run_export(job_id):
    job = ExportJob.objects.select_related("report").get(pk=job_id)
    job.attempts += 1
    job.status = ExportJob.RUNNING
    job.save(update_fields=["attempts", "status"])
    try:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["metric", "value"])
        for key, value in sorted(job.report.payload.items()):
            writer.writerow([key, value])
        job.file.save(
            f"{job.report.kind}-{job.report.date}.csv",
            ContentFile(buf.getvalue().encode()),
            save=False,
        )
    except Exception as exc:
        job.status = ExportJob.FAILED
        job.error = str(exc)
        job.save(update_fields=["status", "error"])
        raise
    job.status = ExportJob.DONE
    job.save(update_fields=["status", "file"])
