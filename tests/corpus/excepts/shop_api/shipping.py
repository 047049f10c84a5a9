from dataclasses import dataclass
from decimal import Decimal

import requests
from django.conf import settings


@dataclass
class Quote:
    amount: Decimal
    carrier: str


def quote_shipping(order_id, postcode):
    resp = requests.get(
        settings.SHIPPING_API + "/quote",
        params={"order": order_id, "postcode": postcode},
        headers={"Authorization": "Token " + settings.SHIPPING_TOKEN},
        timeout=5,
    )
    resp.raise_for_status()
    data = resp.json()
    return Quote(amount=Decimal(data["amount"]), carrier=data["carrier"])
