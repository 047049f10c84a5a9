"""Query budgets: the order report and the order page must not grow with the data."""

import pytest

from shop import reports

pytestmark = pytest.mark.django_db


def test_order_report_runs_a_fixed_number_of_queries(orders, queries):
    with queries.max(3):
        summaries = reports.order_summaries()
    assert [s["total_cents"] for s in summaries] == [300, 600, 900, 1200, 1500]


@pytest.mark.max_queries(4)
def test_order_page(client, orders):
    assert client.get(f"/api/orders/{orders[0].pk}/").json()["total_cents"] == 300


def test_receipt(client, orders):
    response = client.get(f"/api/orders/{orders[2].pk}/receipt/")
    assert response.content.decode().splitlines()[-1] == "Total: 9.00"
