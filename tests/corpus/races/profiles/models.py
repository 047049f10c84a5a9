from django.conf import settings
from django.db import models


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=80)
    bio = models.TextField(blank=True)
    karma = models.IntegerField(default=0)
    last_login_ip = models.GenericIPAddressField(null=True, blank=True)

    def __str__(self):
        return self.display_name


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_digest = models.CharField(
        max_length=10,
        choices=[("never", "Never"), ("daily", "Daily"), ("weekly", "Weekly")],
        default="weekly",
    )
    notify_on_reply = models.BooleanField(default=True)
    notify_on_mention = models.BooleanField(default=True)
