import datetime

from django.utils import timezone

from airline_crew import exports, views
from airline_crew.models import Aircraft, AircraftType, Airport, CrewMember, Duty, Flight

from ._util import get, render, superuser


def seed(n):
    t0 = timezone.now()
    at = AircraftType.objects.create(code="A320", name="A320")
    hub = Airport.objects.create(iata="HUB", name="Hub", city="H")
    for i in range(n):
        ap = Airport.objects.create(iata=f"A{i:02d}", name=f"Ap{i}", city="c")
        ac = Aircraft.objects.create(tail_number=f"G-{i}", type=at, base=hub)
        f = Flight.objects.create(number=f"XY{i}", origin=hub, destination=ap, aircraft=ac,
                                  departs_at=t0 + datetime.timedelta(hours=3 * i),
                                  arrives_at=t0 + datetime.timedelta(hours=3 * i + 2))
        cm = CrewMember.objects.create(employee_id=f"E{i}", name=f"Crew {i}", rank="FA", base=ap)
        cm.qualifications.add(at)
        Duty.objects.create(flight=f, crew_member=cm, position="FA")
    return {"admin": superuser()}


SCENARIOS = [
    ("xlsx", lambda c: exports.roster_workbook(get(user=c["admin"]))),
    ("csv", lambda c: exports.crew_hours_csv(get(user=c["admin"]))),
    ("pairing", lambda c: render(views.PairingView.as_view()(get(user=c["admin"])))),
    ("unqualified", lambda c: views.unqualified_assignments()),
]

EXPECT = [
    ("exports.py", "writer.writerow([idx, member.employee_id, member.name, member.base.iata", "EG101",
     "CrewMember.base FK loaded per row inside enumerate(); no select_related('base')"),
    ("views.py", "rostered = CrewMember.objects.filter(duties__flight=flight", "EG102",
     "COUNT query per flight in PairingView.get_context_data"),
    ("views.py", "type_ids = {t.pk for t in duty.crew_member.qualifications.all()}", "EG101",
     "M2M qualifications evaluated per duty (crew_member is select_related, its M2M is not prefetched)"),
]

NEGATIVES = [
    ("exports.py", 'crew = "; ".join(f"{d.crew_member.name} ({d.position})" for d in flight.duties.all())',
     "prefetch_related('duties__crew_member')"),
    ("exports.py", 'tail = flight.aircraft.tail_number if flight.aircraft else ""', "aircraft select_related"),
    ("exports.py", "ws.append([flight.number, flight.departs_at.date().isoformat(), flight.origin.iata",
     "origin/destination select_related"),
    ("views.py", '"station": nxt.origin.iata,', "zip over an already-evaluated list with origin select_related"),
    ("views.py", "required = flight.aircraft.type.min_cabin_crew", "aircraft__type select_related"),
    ("views.py", "aircraft = duty.flight.aircraft", "flight__aircraft select_related"),
]
