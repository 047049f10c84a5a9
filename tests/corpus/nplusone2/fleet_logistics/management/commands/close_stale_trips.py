from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from fleet_logistics.models import MaintenanceRecord, Trip


class Command(BaseCommand):
    help = "Close trips running for more than --hours and list drivers of vehicles overdue for service"

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(hours=options["hours"])
        stale = Trip.objects.filter(status="running", started_at__lt=cutoff).only("pk", "vehicle_id", "started_at")
        closed = []
        for trip in stale:
            trip.status = "closed"
            self.stdout.write(f"closing trip {trip.pk} on vehicle #{trip.vehicle_id}")
            self.stdout.write(f"  distance so far: {trip.distance_km} km")
            closed.append(trip)
        if not options["dry_run"]:
            Trip.objects.bulk_update(closed, ["status"])

        overdue = MaintenanceRecord.objects.filter(done=False, due_on__lt=timezone.now().date()).values(
            "vehicle_id", "vehicle__registration", "vehicle__depot__code", "kind"
        )
        overdue_ids = set()
        for row in overdue:
            overdue_ids.add(row["vehicle_id"])
            self.stdout.write(f"{row['vehicle__depot__code']} {row['vehicle__registration']}: {row['kind']} overdue")

        for trip in Trip.objects.filter(status="planned"):
            if trip.vehicle_id in overdue_ids and trip.driver_id:
                self.stdout.write(f"  notify {trip.driver.name} ({trip.driver.phone})")
