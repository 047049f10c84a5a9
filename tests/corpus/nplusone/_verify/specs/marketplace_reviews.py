from django.contrib.auth.models import User
from rest_framework.test import APIRequestFactory

from marketplace_reviews import services
from marketplace_reviews.models import Product, Review, Seller
from marketplace_reviews.views import LatestReviewsView, SellerReviewsView

rf = APIRequestFactory()


def seed(n):
    big = Seller.objects.create(name="BigSeller")
    ids = []
    for i in range(n):
        s = Seller.objects.create(name="S%d" % i)
        u = User.objects.create(username="r%d" % i)
        p = Product.objects.create(seller=s, name="p%d" % i)
        bp = Product.objects.create(seller=big, name="bp%d" % i)
        Review.objects.create(product=p, author=u, rating=4)
        Review.objects.create(product=bp, author=u, rating=5)
        ids.append(p.pk)
    return {"ids": ids, "big": big}


SCENARIOS = {
    "recompute": lambda n, d: services.recompute_ratings(d["ids"]),
    "recompute_fast": lambda n, d: services.recompute_ratings_fast(d["ids"]),
    "seller": lambda n, d: SellerReviewsView.as_view()(rf.get("/"), seller_id=d["big"].pk),
    "latest": lambda n, d: LatestReviewsView.as_view()(rf.get("/")),
}

# ---- labels ----
POSITIVES = [
    dict(file="services.py", match='stats = Review.objects.filter(product=product).aggregate(avg=Avg("rating"), n=Count("id"))',
         code="EG102", why="aggregate() per product"),
    dict(file="views.py", match='"seller": review.product.seller.name,', occ=2, code="EG101",
         why="second hop product.seller not loaded (select_related('product') only)"),
]
NEGATIVES = [
    dict(file="services.py", match='row = stats.get(product.pk, {})', why="dict from one values().annotate() query"),
    dict(file="services.py", match='Product.objects.bulk_update(products, ["rating_avg", "rating_count"])', occ=2, fixed=True,
         why="bulk_update after loop"),
    dict(file="views.py", match='"seller": review.product.seller.name,', occ=1, why="select_related('product__seller', 'author')"),
    dict(file="views.py", match='"author": review.author.get_username(),', why="select_related('author')"),
    dict(file="views.py", match='"product": review.product.name,', occ=2, why="select_related('product')"),
    dict(file="views.py", match='"author_id": review.author_id,', why="FK id attribute"),
]
