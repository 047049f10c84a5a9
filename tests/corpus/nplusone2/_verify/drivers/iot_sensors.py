import datetime

from django.utils import timezone
from rest_framework.test import APIRequestFactory

from iot_sensors import alerting, api
from iot_sensors.models import Alert, Gateway, GatewayConfig, Reading, Sensor, SensorKind, Site

arf = APIRequestFactory()


def seed(n):
    now = timezone.now()
    site = Site.objects.create(name="Plant")
    kinds = [SensorKind.objects.create(code=f"k{i}", unit="C") for i in range(n)]
    alert_ids = []
    for i in range(n):
        gw = Gateway.objects.create(site=site, serial=f"GW{i}", firmware="1.0")
        GatewayConfig.objects.create(gateway=gw, target_firmware="1.1")
        s = Sensor.objects.create(gateway=gw, kind=kinds[i], label=f"S{i}", threshold_high=10.0)
        Reading.objects.create(sensor=s, value=50.0, taken_at=now - datetime.timedelta(minutes=i))
        r = Reading.objects.create(sensor=s, value=5.0, taken_at=now - datetime.timedelta(hours=2))
        a = Alert.objects.create(sensor=s, reading=r, message="x")
        alert_ids.append(a.pk)
    return {"site": site.pk, "alert_ids": alert_ids}


def _evaluate(c):
    alerting.evaluate_thresholds(Reading.objects.filter(value__gt=20))


SCENARIOS = [
    ("dashboard", lambda c: api.DashboardView.as_view()(arf.get("/"), site_id=c["site"]).render()),
    ("health", lambda c: api.SensorHealthView.as_view()(arf.get("/")).render()),
    ("evaluate", _evaluate),
    ("summary", lambda c: alerting.unacknowledged_summary()),
    ("alert_values", lambda c: alerting.alert_values(c["alert_ids"])),
    ("drift", lambda c: alerting.firmware_drift()),
    ("drift_site", lambda c: alerting.firmware_drift_by_site()),
]

EXPECT = [
    ("api.py", "last = Reading.objects.filter(sensor=sensor).latest()", "EG102",
     "latest() query per active sensor in SensorHealthView"),
    ("alerting.py", "unit = sensor.kind.unit", "EG101",
     "select_related('sensor') only; sensor.kind is a second hop loaded per reading"),
    ("alerting.py", "return {alert.pk: alert.reading.value for alert in Alert.objects.in_bulk(alert_ids).values() if alert.reading_id}", "EG101",
     "forward one-to-one alert.reading loaded per alert from in_bulk()"),
    ("alerting.py", "if gw.firmware != gw.config.target_firmware:", "EG101",
     "reverse one-to-one gw.config loaded per gateway (no select_related('config'))", 1),
]

NEGATIVES = [
    ("api.py", '"gateway": sensor.gateway.serial,', "gateway select_related"),
    ("api.py", '"unit": sensor.kind.unit,', "kind select_related"),
    ("api.py", '"value": sensor.last_value,', "Subquery annotation for the latest reading"),
    ("api.py", '"site": sensor.gateway.site.name,', "gateway__site select_related"),
    ("alerting.py", "sensor = reading.sensor", "sensor select_related (works with iterator())"),
    ("alerting.py", "return [f\"{r['sensor__gateway__site__name']}/{r['sensor__label']}: {r['n']}\" for r in rows]",
     "values() rows with joined lookups and a Count annotation"),
    ("alerting.py", "if gw.firmware != gw.config.target_firmware:", "reverse one-to-one covered by select_related('config')", 2),
    ("alerting.py", "out.setdefault(gw.site.name, []).append(gw.serial)", "site select_related"),
]
