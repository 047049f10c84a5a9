from decimal import Decimal

from hospital_lab import exports, views
from hospital_lab.models import (Analyte, LabOrder, Patient, Physician, ReferenceRange,
                                 Specimen, TestResult)

from ._util import get, superuser, users


def seed(n):
    analytes = [Analyte.objects.create(code=c, name=c.title(), unit="mmol/L") for c in ("NA", "K", "GLU")]
    for a in analytes:
        ReferenceRange.objects.create(analyte=a, low=Decimal("1"), high=Decimal("5"))
    verifiers = users(n, "tech")
    first_order = None
    for i in range(n):
        doc = Physician.objects.create(name=f"Dr {i}", npi=f"{i:010d}")
        pat = Patient.objects.create(mrn=f"M{i}", given_name="A", family_name=f"P{i}", primary_physician=doc)
        order = LabOrder.objects.create(patient=pat, ordering_physician=doc, status=LabOrder.Status.RECEIVED)
        first_order = first_order or order
        for s in range(2):
            sp = Specimen.objects.create(order=order, barcode=f"B{i}-{s}")
            for a in analytes[:2]:
                TestResult.objects.create(specimen=sp, analyte=a, value=Decimal("7"), flag="HH",
                                          verified_by=verifiers[i])
    # one patient with many orders so patient_history scales
    big = Patient.objects.get(mrn="M0")
    for i in range(n):
        o = LabOrder.objects.create(patient=big, ordering_physician=None)
        sp = Specimen.objects.create(order=o, barcode=f"X{i}")
        TestResult.objects.create(specimen=sp, analyte=analytes[2], value=Decimal("3"))
    return {"admin": superuser(), "order": first_order}


def _flag(ctx):
    exports.flag_results(list(TestResult.objects.all()))
    exports.abnormal_result_ids(list(TestResult.objects.all()))


SCENARIOS = [
    ("worklist", lambda c: views.worklist(get())),
    ("history", lambda c: views.patient_history(get(), mrn="M0")),
    ("critical", lambda c: views.first_critical(get(), order_id=c["order"].pk)),
    ("csv", lambda c: exports.export_results_csv(get(user=c["admin"]))),
    ("flag", _flag),
]

EXPECT = [
    ("views.py", '"physician": order.ordering_physician.name', "EG101",
     "ordering_physician is a nullable FK not covered by select_related('patient'); one Physician query per order"),
    ("exports.py", "result.verified_by.get_username()", "EG101",
     "verified_by FK not in select_related(...) of the export queryset; one User query per result row"),
    ("exports.py", "ReferenceRange.objects.filter(analyte_id=result.analyte_id).first()", "EG102",
     "ReferenceRange query (.first()) issued once per result in flag_results"),
]

NEGATIVES = [
    ("views.py", '"mrn": order.patient.mrn', "patient is select_related on the worklist queryset", 1),
    ("views.py", '"specimens": order.n_specimens', "specimen count comes from a Count() annotation"),
    ("views.py", "for specimen in order.specimens.all():", "specimens prefetched via prefetch_related('specimens__results__analyte')"),
    ("views.py", '"mrn": order.patient.mrn,', "orders come from patient.lab_orders: the reverse manager caches the parent patient on each row", 2),
    ("views.py", '"analyte": result.analyte.code', "analyte prefetched as part of specimens__results__analyte"),
    ("views.py", 'return JsonResponse({"critical": result.analyte.name', "loop returns on its first iteration"),
    ("exports.py", "result.specimen.order.patient.mrn", "three-hop chain fully covered by select_related('specimen__order__patient')"),
    ("exports.py", "result.analyte.unit", "analyte is select_related"),
    ("exports.py", "rng = ranges.get(result.analyte_id)", "dict of ranges built before the loop; analyte_id is the raw FK column"),
]
