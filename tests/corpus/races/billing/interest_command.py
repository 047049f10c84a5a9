"""Management command: ``python manage.py accrue_interest``.

Scheduled by cron on the first day of each month.
"""
from decimal import ROUND_HALF_EVEN, Decimal

from django.core.management.base import BaseCommand
from django.utils import timezone

from billing.models import SavingsAccount

CENT = Decimal("0.01")


class Command(BaseCommand):
    help = "Accrue monthly interest on active savings accounts."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        now = timezone.now()
        accrued = 0
        total_interest = Decimal("0")
        accounts = SavingsAccount.objects.filter(is_active=True).order_by("pk")
        for account in accounts.iterator(chunk_size=500):
            interest = (account.balance * account.monthly_rate).quantize(
                CENT, rounding=ROUND_HALF_EVEN
            )
            if interest <= 0:
                continue
            total_interest += interest
            if options["dry_run"]:
                self.stdout.write(f"{account.iban}: +{interest}")
                continue
            account.balance += interest
            account.interest_accrued_at = now
            account.save(update_fields=["balance", "interest_accrued_at"])
            accrued += 1

        self.stdout.write(
            self.style.SUCCESS(
                f"Accrued {total_interest} interest on {accrued} accounts"
            )
        )
