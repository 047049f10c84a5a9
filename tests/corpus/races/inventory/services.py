from django.db import transaction
from django.db.models import F

from .models import Product, StockLevel, StockMovement


class OutOfStock(Exception):
    pass


def reserve_stock(product_id, warehouse_id, quantity):
    """Hold ``quantity`` units for a checkout that is in progress."""
    level = StockLevel.objects.get(product_id=product_id, warehouse_id=warehouse_id)
    if level.available < quantity:
        raise OutOfStock(f"only {level.available} left of product {product_id}")
    level.reserved += quantity
    level.save()
    return level


def release_stock(product_id, warehouse_id, quantity):
    """Give back a reservation when a checkout is abandoned."""
    updated = StockLevel.objects.filter(
        product_id=product_id, warehouse_id=warehouse_id, reserved__gte=quantity
    ).update(reserved=F("reserved") - quantity)
    if not updated:
        raise ValueError("nothing to release")


@transaction.atomic
def ship_stock(product_id, warehouse_id, quantity, reference=""):
    level = StockLevel.objects.select_for_update().get(
        product_id=product_id, warehouse_id=warehouse_id
    )
    if level.reserved < quantity:
        raise OutOfStock("shipping more than was reserved")
    level.quantity -= quantity
    level.reserved -= quantity
    level.save(update_fields=["quantity", "reserved", "updated_at"])
    StockMovement.objects.create(
        stock_level=level,
        kind=StockMovement.SHIPMENT,
        delta=-quantity,
        applied=True,
        reference=reference,
    )
    return level


def receive_shipment(warehouse, lines, reference=""):
    """Book a supplier delivery: ``lines`` is an iterable of (sku, quantity)."""
    received = []
    for sku, qty in lines:
        product = Product.objects.get(sku=sku)
        level = StockLevel.objects.filter(product=product, warehouse=warehouse).first()
        if level is None:
            level = StockLevel.objects.create(product=product, warehouse=warehouse, quantity=0)
        level.quantity = level.quantity + qty
        level.save()
        StockMovement.objects.create(
            stock_level=level,
            kind=StockMovement.RECEIPT,
            delta=qty,
            applied=True,
            reference=reference,
        )
        received.append(level)
    return received


def adjust_stock(level_id, counted_quantity, reason):
    """Record the result of a manual stock count."""
    with transaction.atomic():
        level = StockLevel.objects.select_for_update().get(pk=level_id)
        delta = counted_quantity - level.quantity
        if delta == 0:
            return level
        level.quantity += delta
        level.save(update_fields=["quantity", "updated_at"])
        StockMovement.objects.create(
            stock_level=level,
            kind=StockMovement.ADJUSTMENT,
            delta=delta,
            applied=True,
            reference=reason[:64],
        )
    return level
