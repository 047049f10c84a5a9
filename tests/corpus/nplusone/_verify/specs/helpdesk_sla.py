from django.contrib.auth.models import User

from helpdesk_sla.models import EscalationRule, Team, Ticket


def seed(n):
    watched = Ticket.objects.create(subject="old", requester_email="r@x.io", priority=1)
    for i in range(n):
        u = User.objects.create(username="lead%d" % i, email="l%d@x.io" % i)
        t = Team.objects.create(name="T%d" % i, lead=u)
        EscalationRule.objects.create(team=t, min_priority=2)
        watched.watchers.add(u)
    return {"watched": watched}


def update(n, d):
    t = d["watched"]
    t.status = "open"
    t.save()


SCENARIOS = {
    "create_urgent": lambda n, d: Ticket.objects.create(subject="down", requester_email="c@x.io", priority=4),
    "update_watched": update,
}

# ---- labels ----
POSITIVES = [
    dict(file="signals.py", match="[rule.team.lead.email],", code="EG101",
         why="rule.team and team.lead FKs loaded per rule (no select_related('team__lead'))"),
]
NEGATIVES = [
    dict(file="signals.py", match="recipients = [user.email for user in instance.watchers.all() if user.email]",
         why="M2M evaluated once (instance is not a loop variable); plain field in comprehension"),
    dict(file="signals.py", match='f"Priority {instance.priority} ticket from {instance.requester_email}."',
         why="plain fields of the saved instance"),
]
