import csv

from django.core.management.base import BaseCommand
from django.db.models import Count, Max

from fleet_maintenance.models import Vehicle


class Command(BaseCommand):
    help = "CSV report: one row per vehicle with depot and service stats."

    def handle(self, *args, **options):
        writer = csv.writer(self.stdout)
        writer.writerow(["plate", "depot", "last_service", "services"])
        vehicles = (
            Vehicle.objects.select_related("depot")
            .annotate(last_service=Max("service_records__date"), services=Count("service_records"))
            .order_by("depot__name", "plate")
        )
        for vehicle in vehicles:
            writer.writerow([vehicle.plate, vehicle.depot.name, vehicle.last_service, vehicle.services])

        for vehicle in Vehicle.objects.filter(retired=True).iterator():
            writer.writerow([vehicle.plate, vehicle.depot.name, "retired", ""])
