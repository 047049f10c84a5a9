from datetime import timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Reading, Sensor


class DashboardView(APIView):
    def get(self, request, site_id):
        latest = Reading.objects.filter(sensor=OuterRef("pk")).order_by("-taken_at")
        sensors = (
            Sensor.objects.filter(gateway__site_id=site_id, active=True)
            .select_related("kind", "gateway")
            .annotate(last_value=Subquery(latest.values("value")[:1]), last_at=Subquery(latest.values("taken_at")[:1]))
            .order_by("gateway__serial", "label")
        )
        tiles = []
        for sensor in sensors:
            tiles.append(
                {
                    "sensor": sensor.label,
                    "gateway": sensor.gateway.serial,
                    "unit": sensor.kind.unit,
                    "value": sensor.last_value,
                    "at": sensor.last_at,
                }
            )
        return Response(tiles)


class SensorHealthView(APIView):
    def get(self, request):
        stale_after = timezone.now() - timedelta(hours=1)
        result = []
        for sensor in Sensor.objects.filter(active=True).select_related("gateway__site"):
            last = Reading.objects.filter(sensor=sensor).latest()
            result.append(
                {
                    "sensor": sensor.label,
                    "site": sensor.gateway.site.name,
                    "stale": last.taken_at < stale_after,
                }
            )
        return Response(result)
