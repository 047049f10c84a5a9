import hashlib

from django.conf import settings
from django.db import models


def hash_key(raw_key):
    return hashlib.sha256(raw_key.encode()).hexdigest()


class AccountLock(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_lock"
    )
    failed_attempts = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)


class ApiKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=60)
    key = models.CharField(max_length=64, unique=True)
    revoked = models.BooleanField(default=False)
    usage_count = models.PositiveBigIntegerField(default=0)
    monthly_quota = models.PositiveIntegerField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="accounts_unique_key_name")
        ]
