from django.test import RequestFactory

from shop_orders import views
from shop_orders.models import Customer, Order, OrderItem, Product

rf = RequestFactory()


def seed(n):
    mug = Product.objects.create(sku="MUG", title="Mug", price=9)
    tee = Product.objects.create(sku="TEE", title="Tee", price=19)
    for i in range(n):
        c = Customer.objects.create(name="cust%d" % i, email="c%d@example.com" % i)
        o = Order.objects.create(customer=c, status="paid")
        OrderItem.objects.create(order=o, product=mug, unit_price=9)
    big = Order.objects.create(customer=c, status="pending")
    for i in range(n):
        OrderItem.objects.create(order=big, product=tee if i % 2 else mug, unit_price=5)
    return {"big": big}


SCENARIOS = {
    "list": lambda n, d: views.order_list(rf.get("/orders/", {"status": "paid"})),
    "dashboard": lambda n, d: views.order_dashboard(rf.get("/orders/dash/", {"status": "paid"})),
    "audience": lambda n, d: views.campaign_audience(rf.get("/orders/aud/")),
    "detail": lambda n, d: views.order_detail(rf.get("/orders/x/"), d["big"].pk),
}

# ---- labels ----
POSITIVES = [
    dict(file="views.py", match='"customer": order.customer.name', occ=1, code="EG101",
         why="forward FK customer not select_related in order_list loop"),
    dict(file="views.py", match='order.items.count()', code="EG101",
         why="reverse FK items counted per order"),
]
NEGATIVES = [
    dict(file="views.py", match='"customer": order.customer.name', occ=2,
         why="select_related('customer') applied"),
    dict(file="views.py", match='order.customer.loyalty_tier',
         why="select_related('customer') applied"),
    dict(file="views.py", match='order.item_count',
         why="annotate(Count('items')) instead of .count()"),
    dict(file="views.py", match='order.customer_id for order',
         why="FK id attribute, no query"),
    dict(file="views.py", match='item.product.sku',
         why="order.items.select_related('product')"),
    dict(file="views.py", match='item.line_total',
         why="property uses only plain fields"),
]
