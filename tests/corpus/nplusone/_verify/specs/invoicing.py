import datetime
import io

from invoicing import reports
from invoicing.models import Client, Invoice, InvoiceLine


def seed(n):
    for i in range(n):
        c = Client.objects.create(name="C%d" % i, email="c%d@x.io" % i)
        inv = Invoice.objects.create(client=c, number="2024-%04d" % i, issued=datetime.date(2024, 3, 1),
                                     due=datetime.date(2024, 4, 1))
        InvoiceLine.objects.create(invoice=inv, description="work", quantity=2, unit_price=50)
    return {}


SCENARIOS = {
    "aging": lambda n, d: reports.aging_report(datetime.date(2024, 6, 1)),
    "export": lambda n, d: reports.export_invoices_csv(io.StringIO(), 2024),
}

# ---- labels ----
POSITIVES = [
    dict(file="reports.py", match='"amount": invoice.total(),', code="EG101",
         why="model method total() iterates self.lines (reverse FK) per invoice, no prefetch",
         via=[("models.py", 'return sum((line.quantity * line.unit_price for line in self.lines.all()), Decimal("0"))')]),
]
NEGATIVES = [
    dict(file="reports.py", match='"client": invoice.client.name,', why="select_related() without args follows non-null FK client"),
    dict(file="reports.py", match="invoice.total(),", occ=2, why="prefetch_related('lines') so total() uses the cache"),
    dict(file="reports.py", match="invoice.client.vat_number,", why="select_related('client')"),
    dict(file="reports.py", match='"days_overdue": (today - invoice.due).days if invoice.is_overdue(today) else 0,',
         why="method uses plain fields only"),
]
