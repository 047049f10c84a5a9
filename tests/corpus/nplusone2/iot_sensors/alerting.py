from django.db.models import Count

from .models import Alert, Gateway


def evaluate_thresholds(readings):
    alerts = []
    for reading in readings.select_related("sensor").iterator():
        sensor = reading.sensor
        if sensor.threshold_high is not None and reading.value > sensor.threshold_high:
            unit = sensor.kind.unit
            alerts.append(Alert(sensor=sensor, reading=reading, message=f"{sensor.label} high: {reading.value}{unit}"))
    Alert.objects.bulk_create(alerts)
    return alerts


def unacknowledged_summary():
    rows = (
        Alert.objects.filter(acknowledged_by__isnull=True)
        .values("sensor__label", "sensor__gateway__site__name")
        .annotate(n=Count("id"))
    )
    return [f"{r['sensor__gateway__site__name']}/{r['sensor__label']}: {r['n']}" for r in rows]


def alert_values(alert_ids):
    return {alert.pk: alert.reading.value for alert in Alert.objects.in_bulk(alert_ids).values() if alert.reading_id}


def firmware_drift():
    drift = []
    for gw in Gateway.objects.order_by("serial"):
        if gw.firmware != gw.config.target_firmware:
            drift.append(gw.serial)
    return drift


def firmware_drift_by_site():
    out = {}
    for gw in Gateway.objects.select_related("config", "site"):
        if gw.firmware != gw.config.target_firmware:
            out.setdefault(gw.site.name, []).append(gw.serial)
    return out
