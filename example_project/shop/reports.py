"""Reports over orders: the dashboard's order list and daily sales."""

from django.db import OperationalError, connection

from shop.models import Order


def order_summaries():
    return [
        {"id": order.pk, "customer": order.customer.name, "total_cents": order.total_cents()}
        for order in Order.objects.order_by("id")
    ]


def sales_by_day(retries=1):
    """Daily totals; retried once when the database connection drops."""
    for attempt in range(retries + 1):
        try:
            return _sales_by_day()
        except OperationalError:
            if attempt == retries:
                raise
    return []


def _sales_by_day():
    cursor = connection.cursor()
    cursor.execute(
        "SELECT date(o.created_at), SUM(i.quantity * i.unit_price_cents) "
        "FROM shop_order o JOIN shop_orderitem i ON i.order_id = o.id "
        "GROUP BY date(o.created_at) ORDER BY 1"
    )
    rows = cursor.fetchall()
    cursor.close()
    return [{"day": str(day), "total_cents": total} for day, total in rows]
