import contextlib
import sqlite3

import pytest

from shop import reports
from shop.exports import export_orders

pytestmark = pytest.mark.django_db


def test_sales_report_survives_a_dropped_connection(orders, faults):
    lost = faults.db(match=r"FROM shop_order o JOIN", times=1)
    days = reports.sales_by_day()
    assert sum(day["total_cents"] for day in days) == 4500
    assert lost.hits == 1


def test_export(orders, tmp_path):
    path = export_orders(tmp_path / "orders.sqlite3")
    with contextlib.closing(sqlite3.connect(path)) as exported:
        assert exported.execute("SELECT count(*) FROM orders").fetchone() == (5,)
