from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse

from . import services
from .models import Attorney


@login_required
def docket(request):
    days = int(request.GET.get("days", 14))
    deadlines = services.upcoming_deadlines(days)
    team = services.matter_team([m.pk for m in services.open_matters().only("pk")])
    leads = services.lead_attorney_map()
    return JsonResponse({"deadlines": deadlines, "team": team, "leads": leads}, safe=False,
                        json_dumps_params={"default": str})


@login_required
def attorney_caseload(request):
    soon = date.today() + timedelta(days=7)
    attorneys = Attorney.objects.select_related("user").prefetch_related("matters")
    data = []
    for attorney in attorneys:
        open_refs = [m.reference for m in attorney.matters.all() if m.closed_on is None]
        urgent = attorney.matters.filter(deadlines__due__lte=soon, deadlines__completed=False).distinct().count()
        data.append({"attorney": attorney.user.username, "open": open_refs, "urgent": urgent})
    return JsonResponse({"caseload": data})
