from django.db import transaction
from django.db.models import Sum

from .models import PickLine, Stock


@transaction.atomic
def assign_bins(pick_order):
    lines = list(pick_order.lines.select_related("product"))
    stock = (
        Stock.objects.filter(product_id__in=[line.product_id for line in lines], qty__gt=0)
        .select_related("bin")
        .order_by("bin__code")
    )
    best_bin = {}
    for item in stock:
        best_bin.setdefault(item.product_id, item.bin)

    labels = []
    for line in lines:
        line.bin = best_bin.get(line.product_id)
        sku = line.product.sku
        bin_code = line.bin.code if line.bin else "??"
        labels.append(f"{sku} x{line.qty} -> {bin_code}")
    PickLine.objects.bulk_update(lines, ["bin"])
    return labels


def availability_report(pick_order):
    report = []
    for line in pick_order.lines.all():
        available = Stock.objects.filter(product_id=line.product_id).aggregate(total=Sum("qty"))["total"] or 0
        report.append((line.product_id, line.qty, available, available >= line.qty))
    return report


def short_picks(pick_order):
    totals = dict(
        Stock.objects.filter(product__picklines__order=pick_order)
        .values_list("product_id")
        .annotate(total=Sum("qty"))
    )
    return [line.pk for line in pick_order.lines.all() if totals.get(line.product_id, 0) < line.qty]
