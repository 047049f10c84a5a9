import datetime

from django.utils import timezone

from volunteer_scheduling import views
from volunteer_scheduling.models import Event, Organization, Role, Shift, Signup, Volunteer

from ._util import get, users


def seed(n):
    now = timezone.now()
    org = Organization.objects.create(name="Food bank")
    ev = Event.objects.create(organization=org, title="Drive", date=now.date() + datetime.timedelta(days=3))
    doomed = Event.objects.create(organization=org, title="Doomed", date=now.date())
    us = users(n + 1, "vol")
    vols = [Volunteer.objects.create(user=u) for u in us[:n]]
    roles = []
    for i in range(n):
        role = Role.objects.create(name=f"Role{i}")
        roles.append(role)
        sh = Shift.objects.create(event=ev, role=role, starts=now, ends=now, slots=3, filled=1)
        Signup.objects.create(shift=sh, volunteer=vols[i])
        vols[i].skills.add(role)
        sh2 = Shift.objects.create(event=doomed, role=role, starts=now, ends=now)
        Signup.objects.create(shift=sh2, volunteer=vols[i])
    newbie = Volunteer.objects.create(user=us[n])
    return {"event": ev, "doomed": doomed, "roles": roles, "newbie": newbie}


def _update_event(c):
    ev = c["event"]
    ev.location = "Hall"
    ev.save()


SCENARIOS = [
    ("event_saved", _update_event),
    ("skills_added", lambda c: c["newbie"].skills.add(*c["roles"])),
    ("event_deleted", lambda c: c["doomed"].delete()),
    ("roster", lambda c: views.event_roster(get(), pk=c["event"].pk)),
]

EXPECT = [
    ("signals.py", "shift = Shift.objects.filter(role_id=role_id, filled__lt=F(\"slots\")", "EG102",
     "m2m_changed receiver runs a .first() query per added skill (pk_set grows with the request)"),
    ("views.py", "eligible = [v.user.username for v in shift.role.volunteer_set.all()]", "EG101",
     "role.volunteer_set (reverse M2M, default accessor) evaluated per shift, and v.user loaded per volunteer"),
]

NEGATIVES = [
    ("signals.py", "for signup in shift.signups.all():", "Prefetch('signups', queryset=confirmed) then .all()"),
    ("signals.py", 'messages.append(("Shift update", body, None, [signup.volunteer.user.email]))',
     "volunteer__user select_related inside the Prefetch queryset"),
    ("signals.py", 'log.warning("event %s cancelled: notify %s (%s)", instance.pk, email, role)', "values_list rows"),
    ("views.py", "names = [s.volunteer.user.get_full_name() or s.volunteer.user.username for s in shift.signups.all()]",
     "prefetch_related('signups__volunteer__user')"),
    ("views.py", 'rows.append({"role": shift.role.name, "event": shift.event.title, "names": names})',
     "role select_related; shift.event cached because shifts come from event.shifts"),
    ("views.py", "if shift.filled < shift.slots:", "second loop over the same, already evaluated queryset; plain fields"),
]
