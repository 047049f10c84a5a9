"""Charging orders through the external payment gateway."""

import logging

import requests
from django.conf import settings

from shop.models import Payment

logger = logging.getLogger(__name__)


class PaymentError(Exception):
    """The gateway refused or could not be reached."""


def charge(order):
    amount = order.total_cents()
    try:
        response = requests.post(
            f"{settings.PAYMENT_GATEWAY_URL}/charges",
            json={"order": order.pk, "amount_cents": amount},
            timeout=settings.PAYMENT_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
    except requests.RequestException as exc:
        logger.warning("gateway error for order %s: %s", order.pk, exc)
        raise PaymentError("gateway unavailable") from exc
    body = response.json()
    return Payment.objects.create(
        order=order, amount_cents=amount, status=body["status"], reference=body["reference"]
    )


def refund_quietly(payment):
    try:
        requests.post(
            f"{settings.PAYMENT_GATEWAY_URL}/refunds",
            json={"reference": payment.reference},
            timeout=settings.PAYMENT_TIMEOUT_SECONDS,
        )
    except BaseException:
        pass
