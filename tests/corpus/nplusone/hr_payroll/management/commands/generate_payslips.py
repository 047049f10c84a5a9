from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Sum

from hr_payroll.models import Employee, Payslip, SalaryComponent


class Command(BaseCommand):
    help = "Generate payslips for every active employee for the given period (YYYY-MM)."

    def add_arguments(self, parser):
        parser.add_argument("period")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        period = options["period"]
        if len(period) != 7 or period[4] != "-":
            raise CommandError("period must look like 2024-01")

        if Payslip.objects.filter(period=period).exists():
            raise CommandError(f"payslips for {period} already exist")

        payslips = []
        employees = Employee.objects.filter(active=True).order_by("last_name", "first_name")
        for employee in employees:
            totals = SalaryComponent.objects.filter(employee=employee).aggregate(total=Sum("amount"))
            gross = totals["total"] or Decimal("0.00")
            department = employee.department
            payslips.append(
                Payslip(
                    employee=employee,
                    period=period,
                    gross=gross,
                    department_name=department.name,
                    cost_center=department.cost_center,
                )
            )

        if options["dry_run"]:
            for slip in payslips:
                self.stdout.write(f"{slip.employee.full_name}: {slip.gross}")
            return

        with transaction.atomic():
            Payslip.objects.bulk_create(payslips)
        self.stdout.write(self.style.SUCCESS(f"Created {len(payslips)} payslips for {period}"))
