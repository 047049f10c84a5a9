"""Jobs run when orders change (inline in this demo; a task queue in production)."""

import logging

from shop.models import Order

logger = logging.getLogger(__name__)


def notify_order_created(order: Order) -> None:
    logger.info("order %s confirmed", order.pk)
