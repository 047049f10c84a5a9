from django.contrib.auth.decorators import login_required
from django.db.models import Q, Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from .models import Applicant, Permit


@login_required
@require_POST
def bulk_approve(request):
    approved = []
    for pk in request.POST.getlist("permit"):
        permit = get_object_or_404(Permit, pk=pk, status="review")
        approved.append(permit.number)
    Permit.objects.filter(number__in=approved).update(status="approved", reviewer=request.user)
    return JsonResponse({"approved": approved})


@login_required
def inspector_schedule(request):
    inspector = request.user.inspector
    inspections = inspector.inspections.filter(result="").select_related("permit__parcel").order_by("scheduled")
    stops = []
    for inspection in inspections:
        stops.append(
            {
                "time": inspection.scheduled.isoformat(),
                "address": inspection.permit.parcel.address,
                "permit_type": inspection.permit.permit_type.name,
                "inspector": inspection.inspector.district,
            }
        )
    return JsonResponse({"stops": stops})


def fee_statement(request, applicant_id):
    applicant = get_object_or_404(Applicant, pk=applicant_id)
    permits = applicant.permit_set.annotate(outstanding=Sum("fees__amount", filter=Q(fees__paid=False)))
    lines = [(p.number, str(p.outstanding or 0), p.applicant.name) for p in permits]
    return JsonResponse({"applicant": applicant.name, "lines": lines})
