from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from .models import Event


def event_roster(request, pk):
    event = get_object_or_404(Event.objects.select_related("organization"), pk=pk)
    shifts = event.shifts.select_related("role").prefetch_related("signups__volunteer__user").order_by("starts")
    rows = []
    for shift in shifts:
        names = [s.volunteer.user.get_full_name() or s.volunteer.user.username for s in shift.signups.all()]
        rows.append({"role": shift.role.name, "event": shift.event.title, "names": names})
    gaps = []
    for shift in shifts:
        if shift.filled < shift.slots:
            eligible = [v.user.username for v in shift.role.volunteer_set.all()]
            gaps.append({"shift": shift.pk, "eligible": eligible})
    return JsonResponse({"organization": event.organization.name, "rows": rows, "gaps": gaps})
