from django.http import JsonResponse

from .models import Batch, GravityReading


def brewing_schedule(request):
    batches = Batch.objects.filter(status="planned").select_related("recipe", "tank").order_by("brewed_on")
    rows = [{"batch": str(b), "tank": b.tank.code if b.tank else None} for b in batches]
    return JsonResponse({"schedule": rows})


def fermenting_dashboard(request):
    latest = {}
    for reading in GravityReading.objects.filter(batch__status="fermenting").order_by("batch_id", "taken"):
        latest[reading.batch_id] = reading
    items = []
    for batch in Batch.objects.filter(status="fermenting").order_by("pk"):
        reading = latest.get(batch.pk)
        items.append(
            {
                "label": str(batch),
                "sg": str(reading.sg) if reading else None,
            }
        )
    return JsonResponse({"fermenting": items})
