import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .models import Customer, Invoice, Payment
from .numbering import allocate_invoice_number

logger = logging.getLogger(__name__)


def find_or_create_customer(email, name):
    existing = Customer.objects.filter(email__iexact=email).first()
    if existing:
        return existing
    return Customer.objects.create(email=email.lower(), name=name)


def record_payment(invoice_id, amount, provider_ref):
    """Webhook handler body for ``payment.succeeded`` events."""
    amount = Decimal(amount)
    invoice = Invoice.objects.get(pk=invoice_id)
    try:
        Payment.objects.get(provider_ref=provider_ref)
        logger.info("duplicate webhook for %s ignored", provider_ref)
    except Payment.DoesNotExist:
        Payment.objects.create(invoice=invoice, amount=amount, provider_ref=provider_ref)
        invoice.amount_paid += amount
        if invoice.amount_paid >= invoice.total:
            invoice.status = Invoice.PAID
        invoice.save()
    return invoice


def record_payment_locked(invoice_id, amount, provider_ref):
    amount = Decimal(amount)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        payment, created = Payment.objects.get_or_create(
            provider_ref=provider_ref,
            defaults={"invoice": invoice, "amount": amount},
        )
        if created:
            invoice.amount_paid += amount
            if invoice.amount_paid >= invoice.total:
                invoice.status = Invoice.PAID
            invoice.save(update_fields=["amount_paid", "status"])
    return payment


def build_invoice(customer, lines):
    """Create an open invoice from cart lines (objects with quantity and unit_price)."""
    invoice = Invoice(
        customer=customer,
        number=allocate_invoice_number(),
        status=Invoice.OPEN,
        issued_at=timezone.now(),
    )
    for line in lines:
        invoice.total += line.quantity * line.unit_price
    invoice.save()
    return invoice


def outstanding_balance(customer):
    due = Decimal("0")
    for invoice in customer.invoices.exclude(status=Invoice.PAID):
        due += invoice.total - invoice.amount_paid
    return due
