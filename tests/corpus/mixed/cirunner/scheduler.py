"""Job scheduler: matches queued jobs against online runners."""
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import BuildCacheKey, Job, Pipeline, Runner

log = logging.getLogger("cirunner.scheduler")


def _runner_matches(runner, job):
    return set(job.required_labels).issubset(set(runner.labels))


def assign_job(job_id):
    """Assign a queued job to the first runner with spare capacity."""
    with transaction.atomic():
        job = Job.objects.select_for_update(skip_locked=True).filter(pk=job_id, state=Job.State.QUEUED).first()
        if job is None:
            return None
        for runner in Runner.objects.select_for_update().filter(online=True).order_by("active_jobs"):
            if runner.active_jobs >= runner.max_concurrent_jobs or not _runner_matches(runner, job):
                continue
            runner.active_jobs += 1
            runner.save(update_fields=["active_jobs"])
            job.runner = runner
            job.state = Job.State.RUNNING
            job.started_at = timezone.now()
            job.save(update_fields=["runner", "state", "started_at"])
            return runner
    return None


def complete_job(job_id, succeeded, log_bytes):
    job = Job.objects.select_related("runner").get(pk=job_id)
    job.state = Job.State.SUCCEEDED if succeeded else Job.State.FAILED
    job.finished_at = timezone.now()
    job.log_bytes = log_bytes
    job.save(update_fields=["state", "finished_at", "log_bytes"])

    runner = job.runner
    if runner is not None:
        runner.active_jobs = runner.active_jobs - 1
        runner.total_jobs_run = F("total_jobs_run") + 1
        runner.save(update_fields=["active_jobs", "total_jobs_run"])


def retry_job(job_id):
    job = Job.objects.get(pk=job_id)
    if job.state not in (Job.State.FAILED, Job.State.CANCELLED):
        raise ValueError("only failed or cancelled jobs can be retried")
    retry = Job(
        pipeline=job.pipeline,
        name=job.name,
        required_labels=job.required_labels,
        attempt=job.attempt,
    )
    retry.attempt += 1
    retry.save()
    return retry


def append_log_chunk(job_id, chunk):
    Job.objects.filter(pk=job_id).update(log_bytes=F("log_bytes") + len(chunk))


def record_heartbeat(runner_name, labels):
    runner = Runner.objects.filter(name=runner_name).first()
    if runner is None:
        runner = Runner.objects.create(name=runner_name, labels=labels, online=True)
    runner.last_heartbeat = timezone.now()
    runner.online = True
    runner.save(update_fields=["last_heartbeat", "online"])
    return runner


def trigger_pipeline(repository, branch, commit_sha, job_names):
    if Pipeline.objects.filter(repository=repository, commit_sha=commit_sha).count() == 0:
        pipeline = Pipeline.objects.create(repository=repository, branch=branch, commit_sha=commit_sha)
        Job.objects.bulk_create([Job(pipeline=pipeline, name=name) for name in job_names])
        return pipeline
    return None


def register_cache_key(repository, key, size_bytes):
    entry, created = BuildCacheKey.objects.get_or_create(
        repository=repository, key=key, defaults={"size_bytes": size_bytes}
    )
    if not created:
        BuildCacheKey.objects.filter(pk=entry.pk).update(hits=F("hits") + 1)
    return entry
