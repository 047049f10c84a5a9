import datetime
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from exports.models import ExportJob
from exports.writers import write_export

logger = logging.getLogger(__name__)


@shared_task(bind=True, soft_time_limit=600, acks_late=True)
def run_export(self, job_id):
    job = ExportJob.objects.get(pk=job_id)
    job.status = ExportJob.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        path = write_export(job)
    except SoftTimeLimitExceeded:
        job.status = ExportJob.TIMED_OUT
        job.save(update_fields=["status"])
        raise
    except Exception as exc:
        job.status = ExportJob.FAILED
        job.error = str(exc)[:1000]
        job.save(update_fields=["status", "error"])
        raise
    job.status = ExportJob.DONE
    job.file = path
    job.finished_at = timezone.now()
    job.save()
    return job.pk


@shared_task
def cleanup_stale_exports():
    cutoff = timezone.now() - datetime.timedelta(days=7)
    failures = []
    for job in ExportJob.objects.filter(finished_at__lt=cutoff):
        try:
            job.file.delete(save=False)
            job.delete()
        except Exception as exc:
            failures.append((job.pk, exc))
    if failures:
        logger.warning("could not remove %d exports: %s", len(failures), failures)
    return len(failures)


@shared_task(bind=True, max_retries=3)
def notify_export_ready(self, job_id):
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    try:
        job.owner.email_user("Your export is ready", job.download_url())
    except Exception as exc:
        raise self.retry(exc=exc, countdown=30)
