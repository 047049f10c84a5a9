import logging

import requests
from django.conf import settings

from .errors import GiftCardInvalid, PaymentDeclined
from .models import GiftCard, Order

logger = logging.getLogger(__name__)


def charge_card(order_id, token):
    order = Order.objects.get(pk=order_id)
    resp = requests.post(
        settings.GATEWAY_URL + "/charges",
        json={"amount": order.total_cents, "source": token},
        timeout=15,
    )
    if resp.status_code == 402:
        raise PaymentDeclined()
    resp.raise_for_status()
    order.mark_paid(resp.json()["id"])


def redeem_gift_card(code, order_id):
    card = GiftCard.objects.filter(code=code).first()
    if card is None:
        raise GiftCardInvalid()
    if card.redeemed_at is not None:
        raise GiftCardInvalid("This gift card has already been used")
    card.redeem(Order.objects.get(pk=order_id))
