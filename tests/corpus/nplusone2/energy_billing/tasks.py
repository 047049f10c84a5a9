import logging
from collections import Counter
from decimal import Decimal

from celery import shared_task
from django.core.mail import send_mail
from django.db.models import Avg, Sum

from .models import Customer, Invoice, Meter, MeterReading, Tariff

logger = logging.getLogger(__name__)


@shared_task
def generate_invoices(period_start, period_end):
    usage = {
        row["meter_id"]: row["kwh"]
        for row in MeterReading.objects.filter(read_at__date__range=(period_start, period_end))
        .values("meter_id")
        .annotate(kwh=Sum("value_kwh"))
    }
    invoices = []
    for customer in Customer.objects.select_related("tariff").prefetch_related("meters"):
        tariff = customer.tariff
        kwh = sum(usage.get(meter.pk, Decimal("0")) for meter in customer.meters.all())
        total = kwh * tariff.unit_price + tariff.standing_charge
        invoices.append(Invoice(customer=customer, period_start=period_start, period_end=period_end, total=total))
    Invoice.objects.bulk_create(invoices)
    return len(invoices)


@shared_task
def send_invoice_emails():
    pending = Invoice.objects.filter(sent=False).select_related("customer")
    sent = []
    for invoice in pending:
        summary = "\n".join(f"{line.meter.serial}: {line.kwh} kWh" for line in invoice.lines.all())
        send_mail(f"Invoice {invoice.pk}", summary, None, [invoice.customer.email])
        sent.append(invoice.pk)
    Invoice.objects.filter(pk__in=sent).update(sent=True)
    return len(sent)


@shared_task
def estimated_read_report(kind=Meter.ELEC):
    flagged = []
    for meter in Meter.objects.filter(kind=kind):
        last = MeterReading.objects.filter(meter=meter).order_by("-read_at").values("estimated", "value_kwh").first()
        if last and last["estimated"]:
            flagged.append(meter.serial)
    return flagged


@shared_task
def consumption_outliers():
    rows = MeterReading.objects.values("meter__customer__account_no").annotate(total=Sum("value_kwh"), avg=Avg("value_kwh"))
    return [r["meter__customer__account_no"] for r in rows if r["total"] > 3 * r["avg"]]


@shared_task
def migrate_tariff(old_tariff_id, new_tariff_id):
    new = Tariff.objects.get(pk=new_tariff_id)
    customers = list(Customer.objects.filter(tariff_id=old_tariff_id))
    for customer in customers:
        customer.tariff = new
        logger.info("%s moved to %s", customer.account_no, customer.tariff.name)
    Customer.objects.bulk_update(customers, ["tariff"])
    return len(customers)


@shared_task
def tariff_census():
    census = Counter()
    for customer in Customer.objects.only("account_no", "email"):
        census[customer.tariff_id] += 1
    return dict(census)
