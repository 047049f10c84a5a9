import logging

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from .forms import EventForm
from .models import Entry, Event

logger = logging.getLogger(__name__)


@require_GET
def event_detail(request, pk):
    e = get_object_or_404(Event, pk=pk)
    return JsonResponse({"id": e.pk, "title": str(e), "starts": e.starts_at.isoformat()})


@require_GET
def entries_csv(request):
    lines = ["id,title"]
    for e in Entry.objects.order_by("pk"):
        lines.append("%d,%s" % (e.pk, e))
    return HttpResponse("\n".join(lines), content_type="text/csv")


@require_GET
def event_count(request):
    try:
        n = Event.objects.upcoming().count()
    except Exception as exc:
        logger.error("count query failed: %s", exc)
        return JsonResponse({"error": "temporarily unavailable"}, status=503)
    return JsonResponse({"count": n})


@require_POST
def create_event(request):
    form = EventForm(request.POST)
    if not form.is_valid():
        err = form.errors.as_json()
        return HttpResponse(err, status=400, content_type="application/json")
    event = form.save()
    return JsonResponse({"id": event.pk}, status=201)
