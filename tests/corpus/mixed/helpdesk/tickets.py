import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Agent, Customer, Reply, Tag, Ticket, TicketTag


def open_ticket(customer_email, subject, body, message_id=""):
    customer = Customer.objects.get(email=customer_email)
    if message_id and customer.tickets.filter(external_message_id=message_id).exists():
        return customer.tickets.get(external_message_id=message_id)
    ticket = customer.tickets.create(subject=subject, external_message_id=message_id)
    Reply.objects.create(ticket=ticket, body=body)
    return ticket


def add_reply(ticket_id, agent, body, internal=False):
    ticket = Ticket.objects.get(pk=ticket_id)
    reply = Reply.objects.create(ticket=ticket, author_agent=agent, body=body, internal=internal)
    if not internal:
        ticket.reply_count += 1
        ticket.status = Ticket.Status.PENDING
        ticket.save()
    return reply


def reopen(ticket_id):
    ticket = Ticket.objects.get(pk=ticket_id)
    if ticket.status not in (Ticket.Status.SOLVED, Ticket.Status.CLOSED):
        return ticket
    ticket.reopen_count = ticket.reopen_count + 1
    ticket.status = Ticket.Status.OPEN
    ticket.save(update_fields=["reopen_count", "status", "updated_at"])
    return ticket


def assign(ticket_id, agent_id):
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
        previous = ticket.assignee_id
        ticket.assignee_id = agent_id
        ticket.status = Ticket.Status.OPEN
        ticket.save(update_fields=["assignee", "status", "updated_at"])
        Agent.objects.filter(pk=agent_id).update(open_ticket_count=F("open_ticket_count") + 1)
        if previous:
            Agent.objects.filter(pk=previous).update(open_ticket_count=F("open_ticket_count") - 1)
    return ticket


def solve(ticket_id):
    ticket = Ticket.objects.select_related("assignee").get(pk=ticket_id)
    ticket.status = Ticket.Status.SOLVED
    ticket.save(update_fields=["status", "updated_at"])
    if ticket.assignee is not None:
        agent = ticket.assignee
        agent.open_ticket_count -= 1
        agent.save(update_fields=["is_available"])


def preview_after_reply(ticket_id):
    """Return what the ticket would look like after one more public reply."""
    ticket = Ticket.objects.get(pk=ticket_id)
    ticket.reply_count += 1
    ticket.status = Ticket.Status.PENDING
    return {"id": ticket.pk, "replies": ticket.reply_count, "status": ticket.status}


def tag_ticket(ticket, tag_name):
    tag, _ = Tag.objects.get_or_create(name=tag_name)
    if ticket.ticket_tags.filter(tag=tag).exists():
        return
    ticket.ticket_tags.create(tag=tag)


def untag_ticket(ticket, tag_name):
    TicketTag.objects.filter(ticket=ticket, tag__name=tag_name).delete()


def stale_tickets(days=14):
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return Ticket.objects.filter(status=Ticket.Status.PENDING, updated_at__lt=cutoff)
