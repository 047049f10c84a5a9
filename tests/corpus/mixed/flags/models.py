from django.db import models


class Environment(models.Model):
    key = models.SlugField(unique=True)
    name = models.CharField(max_length=60)


class Flag(models.Model):
    key = models.SlugField(max_length=120)
    environment = models.ForeignKey(Environment, on_delete=models.CASCADE, related_name="flags")
    description = models.TextField(blank=True)
    enabled = models.BooleanField(default=False)
    rollout_percentage = models.PositiveSmallIntegerField(default=0)
    rules = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)
    evaluation_count = models.PositiveBigIntegerField(default=0)
    archived = models.BooleanField(default=False)

    class Meta:
        unique_together = [("key", "environment")]


class Override(models.Model):
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="overrides")
    subject_key = models.CharField(max_length=200)
    value = models.BooleanField()
    expires_at = models.DateTimeField(null=True, blank=True)


class Segment(models.Model):
    environment = models.ForeignKey(Environment, on_delete=models.CASCADE, related_name="segments")
    key = models.SlugField(max_length=120)
    rules = models.JSONField(default=list)


class AuditEvent(models.Model):
    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.CharField(max_length=120)
    action = models.CharField(max_length=40)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
