from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Sum
from django.utils import timezone

from fleet_logistics.models import FuelLog, Trip, Vehicle


class Command(BaseCommand):
    help = "Print a utilisation and fuel report per active vehicle"

    def add_arguments(self, parser):
        parser.add_argument("--depot", help="restrict to one depot code")
        parser.add_argument("--since-days", type=int, default=30)

    def handle(self, *args, **options):
        since = timezone.now() - timedelta(days=options["since_days"])
        vehicles = Vehicle.objects.filter(active=True).select_related("depot")
        if options["depot"]:
            vehicles = vehicles.filter(depot__code=options["depot"])

        distance = dict(
            Trip.objects.filter(started_at__gte=since)
            .values("vehicle")
            .annotate(km=Sum("distance_km"))
            .values_list("vehicle", "km")
        )

        for status in ("planned", "running", "closed"):
            n = Trip.objects.filter(status=status).count()
            self.stdout.write(f"{status:>8}: {n}")

        for vehicle in vehicles.order_by("depot__code", "registration").iterator(chunk_size=500):
            fuel = FuelLog.objects.filter(vehicle=vehicle, logged_at__gte=since).aggregate(litres=Sum("litres"), cost=Sum("cost"))
            self.stdout.write(
                f"{vehicle.depot.code:6} {vehicle.registration:10} "
                f"{distance.get(vehicle.pk, 0):>8} km {fuel['litres'] or 0:>8} l {fuel['cost'] or 0:>9}"
            )
