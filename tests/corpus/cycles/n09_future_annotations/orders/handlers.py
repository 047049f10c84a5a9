from __future__ import annotations

from orders import models


def handle(order: models.Order) -> bool:
    return order.pk is not None
