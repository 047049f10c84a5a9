import datetime

from django.utils import timezone

from events_tickets import tasks
from events_tickets.models import Attendee, Event, Ticket, Venue


def seed(n):
    v = Venue.objects.create(name="Hall", address="x")
    soon = timezone.now() + datetime.timedelta(days=3)
    big = Event.objects.create(name="Big", venue=v, starts_at=soon, capacity=1000)
    for i in range(n):
        a = Attendee.objects.create(name="a%d" % i, email="a%d@x.io" % i)
        e = Event.objects.create(name="E%d" % i, venue=v, starts_at=soon, capacity=1)
        Ticket.objects.create(event=e, attendee=a, status=Ticket.PAID)
        Ticket.objects.create(event=big, attendee=a, status=Ticket.PAID)
    return {"big": big}


SCENARIOS = {
    "reminders": lambda n, d: tasks.send_event_reminders.delay(d["big"].pk),
    "sold_out": lambda n, d: (tasks.refresh_sold_out_flags(), Event.objects.update(is_sold_out=False)),
    "sold_out_v2": lambda n, d: (tasks.refresh_sold_out_flags_v2(), Event.objects.update(is_sold_out=False)),
    "export": lambda n, d: tasks.export_attendees(d["big"].pk),
}

# ---- labels ----
POSITIVES = [
    dict(file="tasks.py", match="[ticket.attendee.email],", code="EG101",
         why="attendee FK not select_related on event.tickets.filter(...)"),
    dict(file="tasks.py", match="paid = event.tickets.filter(status=Ticket.PAID).count()", code="EG101",
         why="reverse FK filtered count per event"),
]
NEGATIVES = [
    dict(file="tasks.py", match='f"See you at {event.venue.name}!', 
         why="event is not the loop variable: venue fetched once then cached on the instance"),
    dict(file="tasks.py", match="sold_out = event.paid >= event.capacity",
         why="annotate(Count(..., filter=Q(...))) instead of per-event count"),
    dict(file="tasks.py", match="rows.append((ticket.attendee.name, ticket.attendee.email, ticket.event.venue.name))",
         why="select_related('attendee', 'event__venue')"),
    dict(file="tasks.py", match='Event.objects.bulk_update(changed, ["is_sold_out"])', occ=2, fixed=True,
         why="bulk_update after the loop"),
]
