from django.db import transaction
from django.db.models import Avg, Count

from .models import Product, Review


@transaction.atomic
def recompute_ratings(product_ids):
    products = list(Product.objects.filter(pk__in=product_ids))
    for product in products:
        stats = Review.objects.filter(product=product).aggregate(avg=Avg("rating"), n=Count("id"))
        product.rating_avg = stats["avg"] or 0
        product.rating_count = stats["n"]
    Product.objects.bulk_update(products, ["rating_avg", "rating_count"])


@transaction.atomic
def recompute_ratings_fast(product_ids):
    stats = {
        row["product_id"]: row
        for row in Review.objects.filter(product_id__in=product_ids)
        .values("product_id")
        .annotate(avg=Avg("rating"), n=Count("id"))
    }
    products = list(Product.objects.filter(pk__in=product_ids))
    for product in products:
        row = stats.get(product.pk, {})
        product.rating_avg = row.get("avg") or 0
        product.rating_count = row.get("n", 0)
    Product.objects.bulk_update(products, ["rating_avg", "rating_count"])
