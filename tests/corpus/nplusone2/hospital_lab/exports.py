import csv

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse

from .models import ReferenceRange, TestResult

HEADER = ["MRN", "Barcode", "Analyte", "Value", "Unit", "Flag", "Verified by"]


@staff_member_required
def export_results_csv(request):
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="results.csv"'
    writer = csv.writer(response)
    writer.writerow(HEADER)

    results = TestResult.objects.select_related("specimen__order__patient", "analyte").order_by(
        "specimen__barcode"
    )
    for result in results:
        writer.writerow(
            [
                result.specimen.order.patient.mrn,
                result.specimen.barcode,
                result.analyte.code,
                result.value,
                result.analyte.unit,
                result.flag,
                result.verified_by.get_username() if result.verified_by else "",
            ]
        )
    return response


def flag_results(results):
    """Return (result, flag) pairs using the first matching reference range."""
    out = []
    for result in results:
        rng = ReferenceRange.objects.filter(analyte_id=result.analyte_id).first()
        if rng is None:
            out.append((result, ""))
        elif result.value < rng.low:
            out.append((result, "L"))
        elif result.value > rng.high:
            out.append((result, "H"))
        else:
            out.append((result, ""))
    return out


def abnormal_result_ids(results):
    ranges = {}
    for rng in ReferenceRange.objects.order_by("-pk"):
        ranges[rng.analyte_id] = rng
    flagged = []
    for result in results:
        rng = ranges.get(result.analyte_id)
        if rng is not None and not (rng.low <= result.value <= rng.high):
            flagged.append(result.pk)
    return flagged
