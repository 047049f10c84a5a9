from django.db.models import Avg, Count

from .models import Accession, GerminationTest, Request, Species, Vault


def vault_indexes():
    indexes = {}
    for vault in Vault.objects.order_by("name"):
        indexes[vault.name] = Accession.objects.filter(vault=vault).in_bulk()
    return indexes


def flag_requested_restricted():
    flagged = []
    for acc in Accession.objects.filter(restricted=True):
        if acc.pk in Request.objects.filter(approved=False).values_list("accession_id", flat=True):
            flagged.append(acc.number)
    return flagged


def restricted_with_pending_requests():
    pending = set(Request.objects.filter(approved=False).values_list("accession_id", flat=True))
    return [acc.number for acc in Accession.objects.filter(restricted=True) if acc.pk in pending]


def species_needing_retest(species_codes):
    lookup = Species.objects.in_bulk(species_codes, field_name="code")
    return [
        code
        for code, species in lookup.items()
        if not GerminationTest.objects.filter(accession__species=species, sown__gt=0).exists()
    ]


def mean_germination_by_species():
    return {
        sp.code: GerminationTest.objects.filter(accession__species=sp).aggregate(avg=Avg("germinated"))["avg"]
        for sp in Species.objects.all()
    }


def mean_germination_grouped():
    rows = GerminationTest.objects.values("accession__species__code").annotate(avg=Avg("germinated"), n=Count("id"))
    return {r["accession__species__code"]: (r["avg"], r["n"]) for r in rows}


def latest_rates():
    tests = GerminationTest.objects.select_related("accession").order_by("accession_id", "tested_on")
    latest = {}
    for test in tests:
        latest[test.accession.number] = test.rate
    return latest
