import csv

from django.core.management.base import BaseCommand

from seed_bank.models import Accession, Species, Vault


class Command(BaseCommand):
    help = "Import accessions from a CSV file with columns number,species,vault,seeds"

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, **options):
        with open(options["path"], newline="") as fh:
            rows = list(csv.DictReader(fh))

        vaults = {}
        for name in ("North", "South"):
            vaults[name] = Vault.objects.filter(name=name).first()

        existing = set(Accession.objects.values_list("number", flat=True))
        new, skipped = [], 0
        for row in rows:
            if row["number"] in existing:
                skipped += 1
                continue
            try:
                species = Species.objects.get(code=row["species"])
            except Species.DoesNotExist:
                self.stderr.write(f"unknown species {row['species']!r} for {row['number']}")
                continue
            new.append(
                Accession(number=row["number"], species=species, vault=vaults.get(row["vault"]), seed_count=int(row["seeds"]))
            )
        Accession.objects.bulk_create(new)
        self.stdout.write(f"imported {len(new)}, skipped {skipped}")
