from django.conf import settings
from django.db import models


class Repository(models.Model):
    name = models.CharField(max_length=200, unique=True)
    default_branch = models.CharField(max_length=100, default="main")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ci_repositories")


class Runner(models.Model):
    name = models.CharField(max_length=100)
    os = models.CharField(max_length=20, default="linux")
    online = models.BooleanField(default=True)


class Pipeline(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="pipelines")
    ref = models.CharField(max_length=200)
    sha = models.CharField(max_length=40)
    status = models.CharField(max_length=12, default="pending")
    created = models.DateTimeField()
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")


class Stage(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=60)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]


class Job(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="jobs")
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=12, default="created")
    runner = models.ForeignKey(Runner, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    duration_s = models.PositiveIntegerField(default=0)
    allow_failure = models.BooleanField(default=False)


class Artifact(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="artifacts")
    path = models.CharField(max_length=500)
    size = models.BigIntegerField(default=0)
