import datetime

from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from hr_payroll.models import Employee


class Command(BaseCommand):
    help = "Tell department managers about people who joined in the last N days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, **options):
        since = timezone.now().date() - datetime.timedelta(days=options["days"])
        new_hires = Employee.objects.filter(hired_on__gte=since).select_related("department")
        sent = 0
        for hire in new_hires:
            manager = hire.department.manager
            if manager is None or manager.pk == hire.pk:
                continue
            send_mail(
                subject=f"New colleague in {hire.department.name}",
                message=f"{hire.full_name} joined on {hire.hired_on:%d %b}.",
                from_email=None,
                recipient_list=[manager.email],
            )
            sent += 1
        self.stdout.write(f"sent {sent} notifications")
