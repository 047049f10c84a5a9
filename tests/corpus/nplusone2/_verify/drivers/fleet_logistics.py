import datetime
import io
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from fleet_logistics.models import Depot, Driver, FuelLog, MaintenanceRecord, Trip, Vehicle


def seed(n):
    now = timezone.now()
    for i in range(n):
        d = Depot.objects.create(code=f"D{i}", city="X")
        drv = Driver.objects.create(name=f"Driver {i}", licence_no=f"L{i}", home_depot=d)
        v = Vehicle.objects.create(depot=d, registration=f"REG{i}", make="Volvo")
        FuelLog.objects.create(vehicle=v, litres=Decimal("40"), cost=Decimal("60"))
        Trip.objects.create(vehicle=v, driver=drv, status="running", started_at=now - datetime.timedelta(days=2),
                            distance_km=Decimal("120"))
        Trip.objects.create(vehicle=v, driver=drv, status="planned")
        MaintenanceRecord.objects.create(vehicle=v, kind="brakes", due_on=now.date() - datetime.timedelta(days=3))
    return {}


def _cmd(name, *args):
    return lambda c: call_command(name, *args, stdout=io.StringIO())


SCENARIOS = [("fleet_report", _cmd("fleet_report")), ("close_stale", _cmd("close_stale_trips"))]

EXPECT = [
    ("management/commands/fleet_report.py", "fuel = FuelLog.objects.filter(vehicle=vehicle", "EG102",
     "aggregate() over FuelLog issued once per vehicle of the iterator() loop"),
    ("management/commands/close_stale_trips.py", "{trip.distance_km} km", "EG101",
     "distance_km is deferred by .only('pk', 'vehicle_id', 'started_at'); each access refreshes the field with one query"),
    ("management/commands/close_stale_trips.py", 'self.stdout.write(f"  notify {trip.driver.name}', "EG101",
     "trip.driver FK is not select_related; one Driver query per planned trip on an overdue vehicle"),
]

NEGATIVES = [
    ("management/commands/fleet_report.py", "n = Trip.objects.filter(status=status).count()",
     "loop over a literal tuple of three statuses (constant queries)"),
    ("management/commands/fleet_report.py", 'f"{vehicle.depot.code:6} {vehicle.registration:10} "',
     "depot select_related on the iterated queryset"),
    ("management/commands/fleet_report.py", "f\"{distance.get(vehicle.pk, 0):>8}",
     "distance dict built by one grouped values_list query before the loop"),
    ("management/commands/close_stale_trips.py", 'self.stdout.write(f"closing trip {trip.pk}',
     "pk and vehicle_id are loaded by only()"),
    ("management/commands/close_stale_trips.py", "self.stdout.write(f\"{row['vehicle__depot__code']}",
     "values() rows with joined lookups"),
    ("management/commands/close_stale_trips.py", "if trip.vehicle_id in overdue_ids and trip.driver_id:",
     "raw FK columns and a prebuilt set"),
]
