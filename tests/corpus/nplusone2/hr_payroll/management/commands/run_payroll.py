from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from hr_payroll.models import Employee, PayPeriod, Payslip

TAX_RATE = Decimal("0.20")


class Command(BaseCommand):
    help = "Generate payslips for all active employees for a pay period"

    def add_arguments(self, parser):
        parser.add_argument("period_id", type=int)

    def handle(self, *args, **options):
        try:
            period = PayPeriod.objects.get(pk=options["period_id"], closed=False)
        except PayPeriod.DoesNotExist:
            raise CommandError("no open pay period with that id")

        already = set(Payslip.objects.filter(period=period).values_list("employee_id", flat=True))
        employees = Employee.objects.filter(active=True).select_related("department").defer("bio")
        slips = []
        for emp in employees:
            if emp.pk in already:
                continue
            gross = (emp.salary / 12).quantize(Decimal("0.01"))
            tax = (gross * TAX_RATE).quantize(Decimal("0.01"))
            slips.append(Payslip(employee=emp, period=period, gross=gross, tax=tax, net=gross - tax))
            self.stdout.write(f"{emp.employee_no:>8} {emp.department.code:<6} {gross:>10}")
        Payslip.objects.bulk_create(slips)
        self.stdout.write(self.style.SUCCESS(f"{len(slips)} payslips generated"))
