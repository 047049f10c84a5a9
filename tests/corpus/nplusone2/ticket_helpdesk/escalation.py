from django.core.mail import send_mail

from .models import Ticket


def breached_sla(now):
    tickets = Ticket.objects.filter(status="open").select_related("queue")
    return [t.pk for t in tickets if (now - t.opened).total_seconds() > t.queue.sla_hours * 3600]


def notify_breaches(ticket_ids):
    notified = 0
    for ticket in Ticket.objects.filter(pk__in=ticket_ids).order_by("priority"):
        if not ticket.assignee_id:
            continue
        email = ticket.assignee.user.email
        send_mail(f"SLA breached: #{ticket.pk}", ticket.subject, None, [email])
        notified += 1
    return notified
