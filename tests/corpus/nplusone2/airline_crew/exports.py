import csv
import datetime

from django.contrib.auth.decorators import permission_required
from django.db.models import Count
from django.http import HttpResponse
from openpyxl import Workbook

from .models import CrewMember, Duty, Flight

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@permission_required("airline_crew.view_duty")
def roster_workbook(request):
    start = datetime.date.fromisoformat(request.GET.get("from", "2000-01-01"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Roster"
    ws.append(["Flight", "Date", "From", "To", "Aircraft", "Crew"])

    flights = (
        Flight.objects.filter(departs_at__date__gte=start)
        .select_related("origin", "destination", "aircraft__type")
        .prefetch_related("duties__crew_member")
        .order_by("departs_at")
    )
    for flight in flights:
        crew = "; ".join(f"{d.crew_member.name} ({d.position})" for d in flight.duties.all())
        tail = flight.aircraft.tail_number if flight.aircraft else ""
        ws.append([flight.number, flight.departs_at.date().isoformat(), flight.origin.iata, flight.destination.iata, tail, crew])

    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="roster.xlsx"'
    wb.save(response)
    return response


@permission_required("airline_crew.view_crewmember")
def crew_hours_csv(request):
    counts = dict(Duty.objects.values("crew_member_id").annotate(n=Count("id")).values_list("crew_member_id", "n"))
    response = HttpResponse(content_type="text/csv")
    writer = csv.writer(response)
    writer.writerow(["#", "Employee", "Name", "Base", "Sectors"])
    for idx, member in enumerate(CrewMember.objects.order_by("employee_id"), start=1):
        writer.writerow([idx, member.employee_id, member.name, member.base.iata, counts.get(member.pk, 0)])
    return response
