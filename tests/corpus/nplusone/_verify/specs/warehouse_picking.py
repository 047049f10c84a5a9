from warehouse_picking import services
from warehouse_picking.models import Bin, PickLine, PickOrder, Product, Stock


def seed(n):
    order = PickOrder.objects.create(reference="PO-1")
    for i in range(n):
        p = Product.objects.create(sku="S%d" % i, name="p%d" % i)
        b = Bin.objects.create(code="B%02d" % i, zone="A")
        Stock.objects.create(product=p, bin=b, qty=5)
        PickLine.objects.create(order=order, product=p, qty=10)
    return {"order": order}


SCENARIOS = {
    "assign": lambda n, d: services.assign_bins(d["order"]),
    "availability": lambda n, d: services.availability_report(d["order"]),
    "short": lambda n, d: services.short_picks(d["order"]),
}

# ---- labels ----
POSITIVES = [
    dict(file="services.py", match='available = Stock.objects.filter(product_id=line.product_id).aggregate(total=Sum("qty"))["total"] or 0',
         code="EG102", why="aggregate() per pick line"),
]
NEGATIVES = [
    dict(file="services.py", match="best_bin.setdefault(item.product_id, item.bin)", why="select_related('bin')"),
    dict(file="services.py", match="sku = line.product.sku", why="select_related('product')"),
    dict(file="services.py", match='bin_code = line.bin.code if line.bin else "??"', why="relation assigned in the loop (line.bin = ...), cached"),
    dict(file="services.py", match='PickLine.objects.bulk_update(lines, ["bin"])', fixed=True, why="bulk_update after loop"),
    dict(file="services.py", match="return [line.pk for line in pick_order.lines.all() if totals.get(line.product_id, 0) < line.qty]",
         why="dict of per-product totals built with one aggregate query before the loop"),
]
