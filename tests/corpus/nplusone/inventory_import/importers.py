"""CSV stock import used by the back-office upload form.

Expected columns: sku, warehouse, qty
"""
import csv
import io
import logging

from django.db import transaction

from .models import Product, StockLevel, Warehouse

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("sku", "warehouse", "qty")


class ImportResult:
    def __init__(self):
        self.updated = 0
        self.errors = []

    def error(self, lineno, message):
        self.errors.append(f"line {lineno}: {message}")


def parse_csv(text):
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    return list(reader)


def import_stock_levels(rows):
    """Original importer (kept for the legacy upload page)."""
    result = ImportResult()
    changed = []
    for lineno, row in enumerate(rows, start=2):
        sku = row["sku"].strip()
        try:
            product = Product.objects.get(sku=sku)
        except Product.DoesNotExist:
            result.error(lineno, f"unknown SKU {sku!r}")
            continue
        warehouse = Warehouse.objects.filter(code=row["warehouse"].strip()).first()
        if warehouse is None:
            result.error(lineno, f"unknown warehouse {row['warehouse']!r}")
            continue
        level = StockLevel.objects.get(product=product, warehouse=warehouse)
        level.quantity = int(row["qty"])
        changed.append(level)
    with transaction.atomic():
        StockLevel.objects.bulk_update(changed, ["quantity"])
    result.updated = len(changed)
    return result


def import_stock_levels_fast(rows):
    result = ImportResult()
    skus = {row["sku"].strip() for row in rows}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    warehouses = {w.code: w for w in Warehouse.objects.all()}
    levels = {
        (level.product_id, level.warehouse_id): level
        for level in StockLevel.objects.filter(product__sku__in=skus)
    }
    changed = []
    for lineno, row in enumerate(rows, start=2):
        product = products.get(row["sku"].strip())
        warehouse = warehouses.get(row["warehouse"].strip())
        if product is None or warehouse is None:
            result.error(lineno, "unknown SKU or warehouse")
            continue
        level = levels.get((product.pk, warehouse.pk))
        if level is None:
            level = StockLevel(product=product, warehouse=warehouse)
        level.quantity = int(row["qty"])
        changed.append(level)
    with transaction.atomic():
        StockLevel.objects.bulk_update([lv for lv in changed if lv.pk], ["quantity"])
        StockLevel.objects.bulk_create([lv for lv in changed if not lv.pk])
    result.updated = len(changed)
    return result
