from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .models import AccountLock, ApiKey, hash_key

MAX_FAILURES = 5
LOCKOUT_PERIOD = timedelta(minutes=15)


class LockoutModelBackend(ModelBackend):
    """ModelBackend that locks an account after repeated failed logins."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if self._is_locked(username):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            self._register_failure(username)
        else:
            AccountLock.objects.filter(user=user).update(failed_attempts=0, locked_until=None)
        return user

    def _is_locked(self, username):
        return AccountLock.objects.filter(
            user__username=username, locked_until__gt=timezone.now()
        ).exists()

    def _register_failure(self, username):
        try:
            lock = AccountLock.objects.get(user__username=username)
        except AccountLock.DoesNotExist:
            return
        now = timezone.now()
        lock.failed_attempts += 1
        lock.last_failure_at = now
        if lock.failed_attempts >= MAX_FAILURES:
            lock.locked_until = now + LOCKOUT_PERIOD
        lock.save(update_fields=["failed_attempts", "last_failure_at", "locked_until"])


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(self.keyword + " "):
            return None
        raw_key = header[len(self.keyword) + 1:].strip()
        try:
            api_key = ApiKey.objects.select_related("user").get(
                key=hash_key(raw_key), revoked=False
            )
        except ApiKey.DoesNotExist:
            raise AuthenticationFailed("Invalid API key.")

        # The counter is bumped atomically in the database; the in-memory copy is
        # only kept in step so the quota headers on this response are correct.
        ApiKey.objects.filter(pk=api_key.pk).update(usage_count=F("usage_count") + 1)
        api_key.usage_count += 1
        if api_key.monthly_quota and api_key.usage_count > api_key.monthly_quota:
            raise AuthenticationFailed("API key quota exceeded.")
        api_key.last_used_at = timezone.now()
        api_key.save(update_fields=["last_used_at"])
        request.api_key = api_key
        return (api_key.user, api_key)

    def authenticate_header(self, request):
        return self.keyword
