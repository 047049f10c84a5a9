import csv

from django.core.management.base import BaseCommand

from hr_payroll.models import Employee


class Command(BaseCommand):
    help = "Dump company/department/employee lines as CSV."

    def handle(self, *args, **options):
        writer = csv.writer(self.stdout)
        writer.writerow(["company", "department", "employee", "email"])
        employees = (
            Employee.objects.filter(active=True)
            .select_related("department__company")
            .order_by("department__company__name", "department__name")
        )
        for employee in employees:
            writer.writerow(
                [
                    employee.department.company.name,
                    employee.department.name,
                    employee.full_name,
                    employee.email,
                ]
            )
