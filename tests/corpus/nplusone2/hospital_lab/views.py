from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .models import LabOrder, Patient, TestResult


@require_GET
def worklist(request):
    priority = request.GET.get("priority")
    orders = LabOrder.objects.filter(status=LabOrder.Status.RECEIVED)
    if priority:
        orders = orders.filter(priority=priority)
    orders = orders.select_related("patient").annotate(n_specimens=Count("specimens"))

    rows = []
    for order in orders.order_by("placed_at"):
        rows.append(
            {
                "id": order.pk,
                "mrn": order.patient.mrn,
                "patient": order.patient.full_name,
                "physician": order.ordering_physician.name if order.ordering_physician_id else "",
                "specimens": order.n_specimens,
                "priority": order.priority,
            }
        )
    return JsonResponse({"orders": rows})


@require_GET
def patient_history(request, mrn):
    patient = get_object_or_404(Patient, mrn=mrn)
    orders = patient.lab_orders.prefetch_related("specimens__results__analyte")
    history = []
    for order in orders:
        for specimen in order.specimens.all():
            for result in specimen.results.all():
                history.append(
                    {
                        "mrn": order.patient.mrn,
                        "placed": order.placed_at.isoformat(),
                        "barcode": specimen.barcode,
                        "analyte": result.analyte.code,
                        "value": str(result.value),
                    }
                )
    return JsonResponse({"history": history})


@require_GET
def first_critical(request, order_id):
    order = get_object_or_404(LabOrder, pk=order_id)
    for result in TestResult.objects.filter(specimen__order=order, flag="HH"):
        return JsonResponse({"critical": result.analyte.name, "value": str(result.value)})
    return JsonResponse({"critical": None})
