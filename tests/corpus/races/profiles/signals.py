from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import NotificationSettings, Profile

ANSWER_KARMA = 5
ACCEPTED_ANSWER_KARMA = 15


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Profile.objects.create(user=instance, display_name=instance.get_username())


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    # Accounts imported before the post_save handler existed have no profile yet.
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        profile = Profile.objects.create(user=user, display_name=user.get_username())
    profile.last_login_ip = request.META.get("REMOTE_ADDR")
    profile.save(update_fields=["last_login_ip"])


@receiver(user_logged_in)
def ensure_notification_settings(sender, request, user, **kwargs):
    NotificationSettings.objects.get_or_create(user=user)


@receiver(post_save, sender="forum.Answer")
def award_karma_for_answer(sender, instance, created, **kwargs):
    if not created:
        return
    profile = instance.author.profile
    profile.karma += ANSWER_KARMA
    profile.save(update_fields=["karma"])


@receiver(post_save, sender="forum.AcceptedAnswer")
def award_karma_for_accepted_answer(sender, instance, created, **kwargs):
    if not created:
        return
    Profile.objects.filter(user_id=instance.answer.author_id).update(
        karma=F("karma") + ACCEPTED_ANSWER_KARMA
    )
