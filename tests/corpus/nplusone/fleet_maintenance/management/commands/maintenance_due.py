from django.core.management.base import BaseCommand

from fleet_maintenance.models import ServiceRecord, Vehicle


class Command(BaseCommand):
    help = "List vehicles whose mileage since the last service exceeds the interval."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=15_000)

    def handle(self, *args, **options):
        interval = options["interval"]
        vehicles = Vehicle.objects.filter(retired=False).defer("notes").order_by("plate")
        due = []
        for vehicle in vehicles:
            last = ServiceRecord.objects.filter(vehicle=vehicle).order_by("-date").first()
            last_mileage = last.mileage if last else 0
            if vehicle.mileage - last_mileage >= interval:
                due.append(vehicle)

        self.stdout.write(f"{len(due)} vehicles due for service")
        for vehicle in due:
            self.stdout.write(f"{vehicle.plate}\t{vehicle.make} {vehicle.model}\t{vehicle.mileage}")
            if vehicle.notes:
                self.stdout.write(f"    note: {vehicle.notes[:60]}")
