import datetime

from django.utils import timezone
from rest_framework.test import APIRequestFactory

from ticket_helpdesk import escalation, views
from ticket_helpdesk.models import Agent, Comment, Customer, Label, Organization, Queue, Ticket

from ._util import users

arf = APIRequestFactory()


def seed(n):
    old = timezone.now() - datetime.timedelta(days=3)
    q = Queue.objects.create(name="Support", slug="support", sla_hours=4)
    lab = Label.objects.create(name="bug")
    us = users(n, "agent")
    for i in range(n):
        agent = Agent.objects.create(user=us[i])
        org = Organization.objects.create(name=f"Org{i}")
        cust = Customer.objects.create(name=f"C{i}", email=f"c{i}@example.com", organization=org)
        t = Ticket.objects.create(queue=q, requester=cust, assignee=agent, subject="help", opened=old)
        t.labels.add(lab)
        Comment.objects.create(ticket=t, author=us[i], body="hi")
    return {"now": timezone.now()}


def _escalate(c):
    ids = escalation.breached_sla(c["now"])
    escalation.notify_breaches(ids)


SCENARIOS = [
    ("tickets", lambda c: views.TicketListView.as_view()(arf.get("/")).render()),
    ("workload", lambda c: views.AgentWorkloadView.as_view()(arf.get("/")).render()),
    ("escalate", _escalate),
]

EXPECT = [
    ("serializers.py", "org = obj.requester.organization", "EG101",
     "TicketListSerializer.get_organization runs per ticket; requester is select_related but requester.organization is not"),
    ("views.py", 'Ticket.objects.filter(assignee=agent, status="open").order_by("opened").values_list("opened", flat=True).first()', "EG102",
     "oldest-open-ticket query per agent (the expression spans a parenthesised continuation line; the query executes on this line)"),
    ("escalation.py", "email = ticket.assignee.user.email", "EG101",
     "assignee and assignee.user loaded per breached ticket"),
]

NEGATIVES = [
    ("serializers.py", 'queue = serializers.SlugRelatedField(slug_field="slug", read_only=True)', "queue select_related"),
    ("serializers.py", 'requester = serializers.CharField(source="requester.email", read_only=True)', "requester select_related"),
    ("serializers.py", "return [label.name for label in obj.labels.all()]", "labels prefetched"),
    ("serializers.py", "return CommentSerializer(comments[-1]).data", "Prefetch to_attr list with author select_related"),
    ("views.py", 'data.append({"agent": agent.user.username, "open": agent.open_count, "oldest": oldest})',
     "user select_related, filtered Count annotation"),
    ("escalation.py", "return [t.pk for t in tickets if (now - t.opened).total_seconds() > t.queue.sla_hours * 3600]",
     "queue select_related"),
    ("escalation.py", "if not ticket.assignee_id:", "raw FK id"),
]
