"""Export orders from the legacy MySQL shop for the accountants."""
import csv

import pymysql
import pymysql.cursors
from django.conf import settings

FIELDS = ["order_id", "placed_at", "customer_email", "net", "vat", "gross"]

ORDERS_SQL = """
    SELECT o.id AS order_id, o.placed_at, c.email AS customer_email,
           o.net, o.vat, o.net + o.vat AS gross
    FROM orders o JOIN customers c ON c.id = o.customer_id
    WHERE o.placed_at >= %s
    ORDER BY o.placed_at
"""


def _connect():
    cfg = settings.LEGACY_MYSQL
    return pymysql.connect(
        host=cfg["HOST"],
        user=cfg["USER"],
        password=cfg["PASSWORD"],
        database=cfg["NAME"],
        charset="utf8mb4",
        cursorclass=pymysql.cursors.DictCursor,
    )


def export_orders(path, since):
    cfg = settings.LEGACY_MYSQL
    conn = pymysql.connect(
        host=cfg["HOST"],
        user=cfg["USER"],
        password=cfg["PASSWORD"],
        database=cfg["NAME"],
        charset="utf8mb4",
        cursorclass=pymysql.cursors.DictCursor,
    )
    with conn.cursor() as cur:
        cur.execute(ORDERS_SQL, (since,))
        rows = cur.fetchall()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    conn.close()
    return len(rows)


def count_orders(since):
    conn = _connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT COUNT(*) AS n FROM orders WHERE placed_at >= %s", (since,))
            return cur.fetchone()["n"]
    finally:
        conn.close()


def mark_exported(order_ids):
    if not order_ids:
        return 0
    conn = _connect()
    try:
        with conn.cursor() as cur:
            placeholders = ", ".join(["%s"] * len(order_ids))
            affected = cur.execute(
                f"UPDATE orders SET exported = 1 WHERE id IN ({placeholders})",
                list(order_ids),
            )
        conn.commit()
        return affected
    finally:
        conn.close()
