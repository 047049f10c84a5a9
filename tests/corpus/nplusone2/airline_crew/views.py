from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from .models import CrewMember, Duty, Flight


class PairingView(LoginRequiredMixin, TemplateView):
    template_name = "airline_crew/pairing.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        flights = list(
            Flight.objects.filter(aircraft__isnull=False).select_related("aircraft__type", "origin").order_by("departs_at")
        )
        legs = []
        for leg, nxt in zip(flights, flights[1:]):
            legs.append(
                {
                    "leg": leg.number,
                    "turn_minutes": int((nxt.departs_at - leg.arrives_at).total_seconds() // 60),
                    "station": nxt.origin.iata,
                }
            )
        staffing = []
        for flight in flights:
            required = flight.aircraft.type.min_cabin_crew
            rostered = CrewMember.objects.filter(duties__flight=flight, qualifications=flight.aircraft.type_id).count()
            staffing.append((flight.number, rostered, required))
        context.update(legs=legs, staffing=staffing)
        return context


def unqualified_assignments():
    problems = []
    for duty in Duty.objects.select_related("crew_member", "flight__aircraft"):
        type_ids = {t.pk for t in duty.crew_member.qualifications.all()}
        aircraft = duty.flight.aircraft
        if aircraft is not None and aircraft.type_id not in type_ids:
            problems.append(duty.pk)
    return problems
