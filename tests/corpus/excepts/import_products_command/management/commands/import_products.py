import csv
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalog.models import Category, Product


class Command(BaseCommand):
    help = "Import products from a CSV export"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        try:
            fh = open(options["path"], newline="", encoding="utf-8")
        except OSError as e:
            raise CommandError("cannot open %s: %s" % (options["path"], e))
        created = skipped = 0
        with fh, transaction.atomic():
            for lineno, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    price = Decimal(row["price"])
                except (InvalidOperation, KeyError):
                    self.stderr.write("line %d: bad price, skipping" % lineno)
                    skipped += 1
                    continue
                try:
                    category = Category.objects.get(slug=row["category"])
                except:
                    category = None
                Product.objects.update_or_create(
                    sku=row["sku"],
                    defaults={"name": row["name"], "price": price, "category": category},
                )
                created += 1
            if options["dry_run"]:
                transaction.set_rollback(True)
        self.stdout.write(
            self.style.SUCCESS("imported %d, skipped %d" % (created, skipped))
        )
