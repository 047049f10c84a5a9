"""Query helpers used by the docketing views and the weekly partner digest."""
from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Q, Sum

from .models import Assignment, Client, Deadline, Matter


def open_matters():
    return Matter.objects.filter(closed_on__isnull=True)


def upcoming_deadlines(days=14, today=None):
    horizon = (today or date.today()) + timedelta(days=days)
    deadlines = Deadline.objects.filter(completed=False, due__lte=horizon).select_related("matter").order_by("due")
    return [
        {
            "due": d.due,
            "matter": d.matter.reference,
            "client": d.matter.client.name,
            "what": d.description,
        }
        for d in deadlines
    ]


def matter_team(matter_ids):
    assignments = Assignment.objects.filter(matter_id__in=matter_ids).select_related("attorney__user", "matter")
    team = defaultdict(list)
    for a in assignments:
        team[a.matter.reference].append((a.attorney.user.get_full_name(), a.get_role_display()))
    return dict(team)


def staffing_overview():
    rows = []
    for matter in open_matters().order_by("reference"):
        names = ", ".join(att.bar_number for att in matter.attorneys.all())
        rows.append((matter.reference, names))
    return rows


def unbilled_hours_by_matter():
    matters = open_matters().annotate(unbilled=Sum("time_entries__hours", filter=Q(time_entries__billed=False)))
    return {m.reference: m.unbilled or 0 for m in matters}


def lead_attorney_map():
    return dict(Assignment.objects.filter(role=Assignment.Role.LEAD).values_list("matter_id", "attorney__bar_number"))


def conflict_check(prospective_client_name):
    hits = []
    for client in Client.objects.filter(name__icontains=prospective_client_name):
        if Matter.objects.filter(client=client, closed_on__isnull=True).exists():
            hits.append(client.name)
    return hits
