"""Query proofs: the order report and the order page must not grow with the data, and the sales
report runs the queries its snapshot in __query_snapshots__/test_queries.json lists."""

import pytest

from shop import reports
from shop.models import Customer, Order, OrderItem, Product

pytestmark = pytest.mark.django_db


def add_orders(n):
    """n orders of one line each, for n new customers."""
    product = Product.objects.create(sku="GROWING", name="Growing", price_cents=100)
    for number in range(n):
        customer = Customer.objects.create(email=f"g{number}@example.com", name=f"Growing {number}")
        order = Order.objects.create(customer=customer)
        OrderItem.objects.create(order=order, product=product, quantity=1, unit_price_cents=100)


def test_order_report_runs_a_fixed_number_of_queries(orders, queries):
    with queries.max(3):
        summaries = reports.order_summaries()
    assert [s["total_cents"] for s in summaries] == [300, 600, 900, 1200, 1500]


def test_order_report_stays_constant_as_orders_grow(queries):
    for size in queries.constant(add_orders, sizes=(2, 5, 10)):
        assert len(reports.order_summaries()) == size


@pytest.mark.max_queries(4)
def test_order_page(client, orders):
    assert client.get(f"/api/orders/{orders[0].pk}/").json()["total_cents"] == 300


def test_receipt(client, orders):
    response = client.get(f"/api/orders/{orders[2].pk}/receipt/")
    assert response.content.decode().splitlines()[-1] == "Total: 9.00"


@pytest.mark.query_snapshot
def test_sales_report_runs_its_snapshot_queries(orders):
    assert sum(day["total_cents"] for day in reports.sales_by_day()) == 4500
