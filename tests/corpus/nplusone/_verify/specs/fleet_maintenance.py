import datetime
import io

from django.core.management import call_command

from fleet_maintenance.models import Depot, ServiceRecord, Vehicle


def seed(n):
    for i in range(n):
        d = Depot.objects.create(name="D%d" % i, city="x")
        v = Vehicle.objects.create(depot=d, plate="P%d" % i, make="VW", model="Golf", mileage=50_000, notes="n")
        ServiceRecord.objects.create(vehicle=v, date=datetime.date(2023, 1, 1), mileage=10_000, description="oil")
        Vehicle.objects.create(depot=d, plate="R%d" % i, make="VW", model="Polo", retired=True)
    return {}


def cmd(name):
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


SCENARIOS = {
    "due": lambda n, d: cmd("maintenance_due"),
    "report": lambda n, d: cmd("fleet_report"),
}

# ---- labels ----
POSITIVES = [
    dict(file="management/commands/maintenance_due.py",
         match='last = ServiceRecord.objects.filter(vehicle=vehicle).order_by("-date").first()', code="EG102",
         why="filter().first() per vehicle"),
    dict(file="management/commands/maintenance_due.py", match="if vehicle.notes:", code="EG101",
         why="notes deferred with .defer('notes') -> one query per due vehicle"),
    dict(file="management/commands/fleet_report.py",
         match='writer.writerow([vehicle.plate, vehicle.depot.name, "retired", ""])', code="EG101",
         why="depot FK not loaded in .iterator() loop"),
]
NEGATIVES = [
    dict(file="management/commands/maintenance_due.py",
         match='self.stdout.write(f"{vehicle.plate}\\t{vehicle.make} {vehicle.model}\\t{vehicle.mileage}")',
         why="non-deferred fields"),
    dict(file="management/commands/fleet_report.py",
         match="writer.writerow([vehicle.plate, vehicle.depot.name, vehicle.last_service, vehicle.services])",
         why="select_related('depot') + annotate(Max, Count)"),
]
