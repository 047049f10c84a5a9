from inventory_import import importers
from inventory_import.models import Product, StockLevel, Warehouse


def seed(n):
    w = Warehouse.objects.create(code="BER", name="Berlin")
    for i in range(n):
        p = Product.objects.create(sku="SKU%d" % i, name="p%d" % i)
        StockLevel.objects.create(product=p, warehouse=w, quantity=1)
    text = "sku,warehouse,qty\n" + "".join("SKU%d,BER,%d\n" % (i, i) for i in range(n))
    return {"text": text}


SCENARIOS = {
    "naive": lambda n, d: importers.import_stock_levels(importers.parse_csv(d["text"])),
    "fast": lambda n, d: importers.import_stock_levels_fast(importers.parse_csv(d["text"])),
}

# ---- labels ----
POSITIVES = [
    dict(file="importers.py", match="product = Product.objects.get(sku=sku)", code="EG102",
         why="get() per CSV row"),
    dict(file="importers.py", match='warehouse = Warehouse.objects.filter(code=row["warehouse"].strip()).first()',
         code="EG102", why="filter().first() per CSV row"),
    dict(file="importers.py", match="level = StockLevel.objects.get(product=product, warehouse=warehouse)",
         code="EG102", why="get() per CSV row"),
]
NEGATIVES = [
    dict(file="importers.py", match='products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}', fixed=True,
         why="single IN query, dict built before the loop"),
    dict(file="importers.py", match='product = products.get(row["sku"].strip())', why="dict lookup"),
    dict(file="importers.py", match="level = levels.get((product.pk, warehouse.pk))", why="dict lookup keyed by pk"),
    dict(file="importers.py", match='StockLevel.objects.bulk_update([lv for lv in changed if lv.pk], ["quantity"])', fixed=True,
         why="bulk_update after loop instead of save() per row"),
]
