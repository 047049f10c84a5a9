import datetime
from decimal import Decimal

from django.utils import timezone

from energy_billing import tasks
from energy_billing.models import Customer, Invoice, InvoiceLine, Meter, MeterReading, Tariff


def seed(n):
    now = timezone.now()
    t1 = Tariff.objects.create(name="Std", unit_price=Decimal("0.3"))
    t2 = Tariff.objects.create(name="Green", unit_price=Decimal("0.35"))
    for i in range(n):
        c = Customer.objects.create(account_no=f"AC{i}", name=f"C{i}", email=f"c{i}@example.com", tariff=t1)
        m = Meter.objects.create(customer=c, serial=f"M{i}")
        MeterReading.objects.create(meter=m, read_at=now, value_kwh=Decimal("100"), estimated=True)
        inv = Invoice.objects.create(customer=c, period_start=now.date(), period_end=now.date())
        InvoiceLine.objects.create(invoice=inv, meter=m, kwh=Decimal("100"), amount=Decimal("30"))
    return {"t1": t1.pk, "t2": t2.pk, "today": now.date()}


SCENARIOS = [
    ("generate", lambda c: tasks.generate_invoices.delay(c["today"] - datetime.timedelta(days=30), c["today"])),
    ("send", lambda c: tasks.send_invoice_emails()),
    ("estimated", lambda c: tasks.estimated_read_report()),
    ("outliers", lambda c: tasks.consumption_outliers()),
    ("migrate", lambda c: tasks.migrate_tariff(c["t1"], c["t2"])),
    ("census", lambda c: tasks.tariff_census.delay()),
]

EXPECT = [
    ("tasks.py", 'summary = "\\n".join(f"{line.meter.serial}: {line.kwh} kWh" for line in invoice.lines.all())', "EG101",
     "invoice.lines reverse FK evaluated per invoice and line.meter loaded per line (no prefetch)"),
    ("tasks.py", 'last = MeterReading.objects.filter(meter=meter).order_by("-read_at")', "EG102",
     "latest reading fetched with .first() per meter"),
    ("tasks.py", "census[customer.tariff_id] += 1", "EG101",
     "only('account_no', 'email') defers the tariff_id column; reading it issues one query per customer"),
]

NEGATIVES = [
    ("tasks.py", "tariff = customer.tariff", "tariff select_related"),
    ("tasks.py", 'kwh = sum(usage.get(meter.pk, Decimal("0")) for meter in customer.meters.all())',
     "meters prefetched; usage dict built from one grouped query"),
    ("tasks.py", "send_mail(f\"Invoice {invoice.pk}\", summary, None, [invoice.customer.email])", "customer select_related"),
    ("tasks.py", 'return [r["meter__customer__account_no"] for r in rows if r["total"] > 3 * r["avg"]]', "values() + annotate rows"),
    ("tasks.py", 'logger.info("%s moved to %s", customer.account_no, customer.tariff.name)', "tariff assigned in the loop body"),
]
