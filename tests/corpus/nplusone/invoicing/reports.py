import csv
from datetime import date

from .models import Invoice


def aging_report(today=None):
    today = today or date.today()
    rows = []
    for invoice in Invoice.objects.filter(status="open").select_related():
        rows.append(
            {
                "number": invoice.number,
                "client": invoice.client.name,
                "amount": invoice.total(),
                "days_overdue": (today - invoice.due).days if invoice.is_overdue(today) else 0,
            }
        )
    return rows


def export_invoices_csv(stream, year):
    writer = csv.writer(stream)
    writer.writerow(["number", "issued", "client", "vat", "total"])
    invoices = (
        Invoice.objects.filter(issued__year=year)
        .select_related("client")
        .prefetch_related("lines")
        .order_by("number")
    )
    for invoice in invoices:
        writer.writerow(
            [
                invoice.number,
                invoice.issued.isoformat(),
                invoice.client.name,
                invoice.client.vat_number,
                invoice.total(),
            ]
        )
