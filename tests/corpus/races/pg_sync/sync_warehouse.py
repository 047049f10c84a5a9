"""Push shop data into the analytics warehouse (a separate PostgreSQL server)."""
import logging
from contextlib import closing

import psycopg2
import psycopg2.extras

logger = logging.getLogger(__name__)


def fetch_changed_orders(dsn, since):
    with psycopg2.connect(dsn) as conn:
        with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(
                "SELECT id, customer_id, total, status, updated_at "
                "FROM orders WHERE updated_at > %s ORDER BY updated_at",
                (since,),
            )
            return cur.fetchall()


def push_order_totals(dsn, rows):
    with closing(psycopg2.connect(dsn)) as conn:
        with conn, conn.cursor() as cur:
            psycopg2.extras.execute_values(
                cur,
                "INSERT INTO fact_order_totals (order_id, total, day) VALUES %s "
                "ON CONFLICT (order_id) DO UPDATE SET total = EXCLUDED.total",
                rows,
            )


def replication_lag(dsn):
    conn = psycopg2.connect(dsn, connect_timeout=3)
    with conn.cursor() as cur:
        cur.execute("SELECT now() - pg_last_xact_replay_timestamp()")
        (lag,) = cur.fetchone()
    conn.close()
    return lag


class WarehouseSync:
    def __init__(self, dsn):
        self.conn = psycopg2.connect(dsn, application_name="shop-sync")

    def close(self):
        self.conn.close()

    def upsert_customers(self, customers):
        cur = self.conn.cursor()
        for customer in customers:
            cur.execute(
                "INSERT INTO dim_customer (id, email, country) VALUES (%s, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, "
                "country = EXCLUDED.country",
                (customer.pk, customer.email, customer.country),
            )
        self.conn.commit()
        return len(customers)

    def delete_missing_customers(self, live_ids):
        with self.conn.cursor() as cur:
            cur.execute("DELETE FROM dim_customer WHERE NOT (id = ANY(%s))", (list(live_ids),))
            deleted = cur.rowcount
        self.conn.commit()
        logger.info("removed %d stale customers from the warehouse", deleted)
        return deleted


def run_full_sync(dsn, customers):
    sync = WarehouseSync(dsn)
    try:
        sync.upsert_customers(customers)
        sync.delete_missing_customers([c.pk for c in customers])
    finally:
        sync.close()
