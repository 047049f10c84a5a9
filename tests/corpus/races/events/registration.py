"""Registration workflow for ticketed events."""
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Event, Registration, WaitlistEntry


class EventFull(Exception):
    pass


def register(event_id, user):
    """Register ``user`` for the event, or raise EventFull.

    The event row is locked for the duration of the transaction so that the
    capacity check and the insert are serialised per event.
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_id)
        existing = Registration.objects.filter(event=event, user=user).first()
        if existing is not None and existing.status == Registration.CONFIRMED:
            return existing
        confirmed = Registration.objects.filter(
            event=event, status=Registration.CONFIRMED
        ).count()
        if confirmed >= event.capacity:
            raise EventFull(event.slug)
        if existing is not None:
            existing.status = Registration.CONFIRMED
            existing.save(update_fields=["status"])
            return existing
        return Registration.objects.create(
            event=event, user=user, status=Registration.CONFIRMED
        )


def join_waitlist(event, user):
    position = WaitlistEntry.objects.filter(event=event).count() + 1
    try:
        with transaction.atomic():
            return WaitlistEntry.objects.create(event=event, user=user, position=position)
    except IntegrityError:
        return WaitlistEntry.objects.get(event=event, user=user)


def cancel(event, user):
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .filter(event=event, user=user, status=Registration.CONFIRMED)
            .first()
        )
        if registration is None:
            return False
        registration.status = Registration.CANCELLED
        registration.save(update_fields=["status"])

        next_in_line = (
            WaitlistEntry.objects.select_for_update().filter(event=event).first()
        )
        if next_in_line is not None:
            Registration.objects.update_or_create(
                event=event,
                user=next_in_line.user,
                defaults={"status": Registration.CONFIRMED},
            )
            next_in_line.delete()
    return True


def registration_summary(event):
    confirmed = Registration.objects.filter(
        event=event, status=Registration.CONFIRMED
    ).count()
    return {
        "event": event.slug,
        "confirmed": confirmed,
        "remaining": max(event.capacity - confirmed, 0),
        "is_full": confirmed >= event.capacity,
        "waitlisted": WaitlistEntry.objects.filter(event=event).exists(),
    }


def check_in(event, user):
    return Registration.objects.filter(
        event=event, user=user, status=Registration.CONFIRMED, checked_in_at__isnull=True
    ).update(checked_in_at=timezone.now())
