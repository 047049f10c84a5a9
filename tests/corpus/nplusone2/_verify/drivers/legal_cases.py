import datetime
from decimal import Decimal

from legal_cases import services, views
from legal_cases.models import Assignment, Attorney, Client, Deadline, Matter, TimeEntry

from ._util import get, superuser, users


def seed(n):
    today = datetime.date.today()
    us = users(n, "atty")
    atts = [Attorney.objects.create(user=u, bar_number=f"BAR{i}") for i, u in enumerate(us)]
    for i in range(n):
        c = Client.objects.create(name=f"Acme {i}")
        m = Matter.objects.create(client=c, reference=f"M-{i}", title="t", opened_on=today)
        Assignment.objects.create(matter=m, attorney=atts[i], role="lead")
        Assignment.objects.create(matter=m, attorney=atts[(i + 1) % n])
        Deadline.objects.create(matter=m, due=today + datetime.timedelta(days=3), description="brief")
        TimeEntry.objects.create(matter=m, attorney=atts[i], hours=Decimal("2"), worked_on=today)
    return {"user": superuser()}


SCENARIOS = [
    ("docket", lambda c: views.docket(get(user=c["user"]))),
    ("caseload", lambda c: views.attorney_caseload(get(user=c["user"]))),
    ("staffing", lambda c: services.staffing_overview()),
    ("unbilled", lambda c: services.unbilled_hours_by_matter()),
    ("conflicts", lambda c: services.conflict_check("acme")),
]

EXPECT = [
    ("services.py", '"client": d.matter.client.name,', "EG101",
     "select_related('matter') only: matter.client is a second, unloaded hop; one Client query per deadline"),
    ("services.py", 'names = ", ".join(att.bar_number for att in matter.attorneys.all())', "EG101",
     "M2M matter.attorneys evaluated per open matter without prefetch"),
    ("services.py", "if Matter.objects.filter(client=client, closed_on__isnull=True).exists():", "EG102",
     "exists() query per client in conflict_check"),
    ("views.py", "urgent = attorney.matters.filter(", "EG101",
     "filter() on the prefetched M2M manager bypasses the prefetch cache: one COUNT query per attorney"),
]

NEGATIVES = [
    ("services.py", '"matter": d.matter.reference,', "matter is select_related"),
    ("services.py", "team[a.matter.reference].append((a.attorney.user.get_full_name(), a.get_role_display()))",
     "through-model rows with select_related('attorney__user', 'matter')"),
    ("services.py", "return {m.reference: m.unbilled or 0 for m in matters}", "Sum annotation instead of per-matter aggregate"),
    ("views.py", "open_refs = [m.reference for m in attorney.matters.all() if m.closed_on is None]",
     "prefetch_related('matters') followed by .all()"),
    ("views.py", '"attorney": attorney.user.username', "user select_related"),
    ("views.py", "team = services.matter_team([m.pk for m in services.open_matters().only(\"pk\")])",
     "only('pk') then reading pk"),
]
