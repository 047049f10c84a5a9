import csv
import datetime
import io
import os

from django.core.management import call_command

from seed_bank import stewardship
from seed_bank.models import Accession, GerminationTest, Request, Species, Vault


def seed(n):
    today = datetime.date.today()
    Vault.objects.create(name="North")
    codes = []
    for i in range(n):
        sp = Species.objects.create(code=f"SP{i}", binomial=f"Genus species{i}")
        v = Vault.objects.create(name=f"V{i}")
        acc = Accession.objects.create(number=f"A{i}", species=sp, vault=v, restricted=True)
        GerminationTest.objects.create(accession=acc, tested_on=today, sown=50, germinated=40)
        Request.objects.create(requester="Kew", accession=acc, quantity=10)
        codes.append(sp.code)
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "results", f"seed_bank_import_{n}.csv")
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["number", "species", "vault", "seeds"])
        for i in range(n):
            w.writerow([f"NEW{i}", f"SP{i}", "North", 100])
        w.writerow(["A0", "SP0", "North", 1])
    return {"csv": path, "codes": codes}


SCENARIOS = [
    ("import", lambda c: call_command("import_accessions", c["csv"], stdout=io.StringIO(), stderr=io.StringIO())),
    ("vault_indexes", lambda c: stewardship.vault_indexes()),
    ("restricted", lambda c: stewardship.flag_requested_restricted()),
    ("restricted_fast", lambda c: stewardship.restricted_with_pending_requests()),
    ("retest", lambda c: stewardship.species_needing_retest(c["codes"])),
    ("mean", lambda c: stewardship.mean_germination_by_species()),
    ("mean_grouped", lambda c: stewardship.mean_germination_grouped()),
    ("latest", lambda c: stewardship.latest_rates()),
]

EXPECT = [
    ("management/commands/import_accessions.py", 'species = Species.objects.get(code=row["species"])', "EG102",
     "get() per CSV row inside try/except"),
    ("stewardship.py", "indexes[vault.name] = Accession.objects.filter(vault=vault).in_bulk()", "EG102",
     "in_bulk() query per vault"),
    ("stewardship.py", 'if acc.pk in Request.objects.filter(approved=False).values_list("accession_id", flat=True):', "EG102",
     "the `in` test evaluates the values_list queryset again on every iteration"),
    ("stewardship.py", "if not GerminationTest.objects.filter(accession__species=species, sown__gt=0).exists()", "EG102",
     "exists() query per species in the comprehension over the in_bulk() dict"),
    ("stewardship.py", 'sp.code: GerminationTest.objects.filter(accession__species=sp).aggregate(avg=Avg("germinated"))["avg"]', "EG102",
     "aggregate() per species in a dict comprehension"),
]

NEGATIVES = [
    ("management/commands/import_accessions.py", "vaults[name] = Vault.objects.filter(name=name).first()",
     "loop over a literal two-element tuple"),
    ("management/commands/import_accessions.py", 'if row["number"] in existing:', "set built with one query before the loop"),
    ("management/commands/import_accessions.py", 'Accession(number=row["number"], species=species, vault=vaults.get(row["vault"]), seed_count=int(row["seeds"]))',
     "dict lookup; objects constructed in memory, bulk_create after the loop"),
    ("stewardship.py", "return [acc.number for acc in Accession.objects.filter(restricted=True) if acc.pk in pending]",
     "pending ids materialised into a set before the comprehension"),
    ("stewardship.py", 'lookup = Species.objects.in_bulk(species_codes, field_name="code")', "single in_bulk before the loop"),
    ("stewardship.py", 'return {r["accession__species__code"]: (r["avg"], r["n"]) for r in rows}', "grouped values() + Avg/Count"),
    ("stewardship.py", "latest[test.accession.number] = test.rate", "accession select_related; rate is a plain-field property"),
]
