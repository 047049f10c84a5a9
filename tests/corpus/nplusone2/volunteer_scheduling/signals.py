import logging

from django.core.mail import send_mass_mail
from django.db.models import F, Prefetch
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from .models import Event, Shift, Signup, Volunteer

log = logging.getLogger(__name__)


@receiver(post_save, sender=Event)
def notify_volunteers_on_event_change(sender, instance, created, **kwargs):
    if created:
        return
    confirmed = Signup.objects.filter(status="confirmed").select_related("volunteer__user")
    shifts = instance.shifts.prefetch_related(Prefetch("signups", queryset=confirmed))
    messages = []
    for shift in shifts:
        for signup in shift.signups.all():
            body = f"{instance.title} on {instance.date}: your {shift.starts:%H:%M} shift has changed."
            messages.append(("Shift update", body, None, [signup.volunteer.user.email]))
    send_mass_mail(messages, fail_silently=True)


@receiver(m2m_changed, sender=Volunteer.skills.through)
def suggest_open_shifts(sender, instance, action, pk_set, **kwargs):
    if action != "post_add" or not pk_set:
        return
    today = timezone.now().date()
    suggestions = []
    for role_id in sorted(pk_set):
        shift = Shift.objects.filter(role_id=role_id, filled__lt=F("slots"), event__date__gte=today).order_by("starts").first()
        if shift is not None:
            suggestions.append(shift.pk)
    log.info("suggested shifts for %s: %s", instance.pk, suggestions)


@receiver(pre_delete, sender=Event)
def log_cancelled_signups(sender, instance, **kwargs):
    rows = Signup.objects.filter(shift__event=instance).values_list("volunteer__user__email", "shift__role__name")
    for email, role in rows:
        log.warning("event %s cancelled: notify %s (%s)", instance.pk, email, role)
