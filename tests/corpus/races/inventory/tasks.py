import logging
from collections import defaultdict

from celery import shared_task
from django.core.mail import mail_admins
from django.db import transaction

from .models import StockLevel, StockMovement, Warehouse

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def apply_movement(movement_id):
    movement = StockMovement.objects.select_related("stock_level").get(pk=movement_id)
    if movement.applied:
        logger.info("movement %s already applied", movement_id)
        return
    level = movement.stock_level
    level.quantity += movement.delta
    level.save(update_fields=["quantity", "updated_at"])
    movement.applied = True
    movement.save(update_fields=["applied"])


@shared_task
def import_stock_count(warehouse_id, counts):
    """``counts`` maps product id -> counted quantity from the handheld scanners."""
    warehouse = Warehouse.objects.get(pk=warehouse_id)
    with transaction.atomic():
        levels = StockLevel.objects.select_for_update().filter(
            warehouse=warehouse, product_id__in=list(counts)
        )
        for level in levels:
            level.quantity = counts[level.product_id]
            level.save(update_fields=["quantity", "updated_at"])


@shared_task
def low_stock_report():
    by_warehouse = defaultdict(list)
    levels = StockLevel.objects.select_related("product", "warehouse").filter(
        warehouse__is_active=True
    )
    for level in levels:
        # Work out what can actually be sold; this instance is only used for the report.
        level.quantity -= level.reserved
        if level.quantity <= level.product.low_stock_threshold:
            by_warehouse[level.warehouse.code].append(
                f"{level.product.sku}: {level.quantity} available"
            )
    if not by_warehouse:
        return 0
    body = "\n\n".join(
        f"{code}\n" + "\n".join(lines) for code, lines in sorted(by_warehouse.items())
    )
    mail_admins("Low stock report", body)
    return sum(len(lines) for lines in by_warehouse.values())
