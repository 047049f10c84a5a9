import logging

from celery import shared_task
from django.core.mail import send_mass_mail
from django.db.models import Count, Q
from django.utils import timezone

from .models import Event, Ticket

logger = logging.getLogger(__name__)


@shared_task
def send_event_reminders(event_id):
    event = Event.objects.get(pk=event_id)
    messages = []
    for ticket in event.tickets.filter(status=Ticket.PAID):
        messages.append(
            (
                f"Reminder: {event.name}",
                f"See you at {event.venue.name}! Your ticket code is {ticket.code}.",
                None,
                [ticket.attendee.email],
            )
        )
    sent = send_mass_mail(messages, fail_silently=True)
    logger.info("sent %s reminders for event %s", sent, event_id)
    return sent


@shared_task
def refresh_sold_out_flags():
    changed = []
    for event in Event.objects.filter(starts_at__gte=timezone.now()):
        paid = event.tickets.filter(status=Ticket.PAID).count()
        sold_out = paid >= event.capacity
        if sold_out != event.is_sold_out:
            event.is_sold_out = sold_out
            changed.append(event)
    Event.objects.bulk_update(changed, ["is_sold_out"])
    return len(changed)


@shared_task
def refresh_sold_out_flags_v2():
    events = Event.objects.filter(starts_at__gte=timezone.now()).annotate(
        paid=Count("tickets", filter=Q(tickets__status=Ticket.PAID))
    )
    changed = []
    for event in events:
        sold_out = event.paid >= event.capacity
        if sold_out != event.is_sold_out:
            event.is_sold_out = sold_out
            changed.append(event)
    Event.objects.bulk_update(changed, ["is_sold_out"])
    return len(changed)


@shared_task
def export_attendees(event_id):
    tickets = (
        Ticket.objects.filter(event_id=event_id)
        .exclude(status=Ticket.CANCELLED)
        .select_related("attendee", "event__venue")
    )
    rows = [("name", "email", "venue")]
    for ticket in tickets:
        rows.append((ticket.attendee.name, ticket.attendee.email, ticket.event.venue.name))
    return rows
