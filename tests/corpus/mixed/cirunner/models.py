from django.db import models


class Runner(models.Model):
    name = models.CharField(max_length=64, unique=True)
    labels = models.JSONField(default=list)
    max_concurrent_jobs = models.PositiveSmallIntegerField(default=2)
    active_jobs = models.PositiveSmallIntegerField(default=0)
    total_jobs_run = models.PositiveIntegerField(default=0)
    last_heartbeat = models.DateTimeField(null=True, blank=True)
    online = models.BooleanField(default=False)


class Pipeline(models.Model):
    repository = models.CharField(max_length=200)
    branch = models.CharField(max_length=200)
    commit_sha = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="jobs")
    name = models.CharField(max_length=120)
    runner = models.ForeignKey(Runner, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    attempt = models.PositiveSmallIntegerField(default=1)
    required_labels = models.JSONField(default=list)
    log_bytes = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)


class BuildCacheKey(models.Model):
    repository = models.CharField(max_length=200)
    key = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
