from django.core.management.base import BaseCommand

from hr_payroll.models import Employee


class Command(BaseCommand):
    help = "Print every active employee with their manager and the manager's department"

    def handle(self, *args, **options):
        employees = Employee.objects.filter(active=True).only("first_name", "last_name", "manager").order_by("last_name")
        for emp in employees:
            boss = emp.manager
            self.stdout.write(f"{emp.first_name} {emp.last_name} -> {boss.last_name if boss else '-'}")

        self.stdout.write("")
        for emp in Employee.objects.filter(manager__isnull=False).select_related("manager__department"):
            self.stdout.write(f"{emp.last_name}: reports into {emp.manager.department.name}")
