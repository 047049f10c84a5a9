"""Jobs run when orders and stock change (inline in this demo; a task queue in production)."""

from __future__ import annotations

import logging

from shop.models import Order

from shop import inventory  # the stock jobs' data types

logger = logging.getLogger(__name__)


def notify_order_created(order: Order) -> None:
    logger.info("order %s confirmed", order.pk)


def notify_low_stock(reservation: inventory.Reservation) -> None:
    logger.warning("%s is running low: %s left", reservation.product.sku, reservation.left)
