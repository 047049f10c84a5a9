"""Finance reports that are too awkward to express with the ORM."""
import csv

from django.db import connection, connections

MATERIALIZED_VIEWS = (
    "reporting_daily_revenue",
    "reporting_customer_ltv",
    "reporting_cohort_retention",
)


def monthly_revenue(year):
    cursor = connection.cursor()
    cursor.execute(
        """
        SELECT date_trunc('month', p.received_at) AS month, SUM(p.amount)
        FROM billing_payment p
        WHERE EXTRACT(year FROM p.received_at) = %s
        GROUP BY 1
        ORDER BY 1
        """,
        [year],
    )
    rows = cursor.fetchall()
    cursor.close()
    return [{"month": month, "total": total} for month, total in rows]


def top_customers(limit=10):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.id, c.email, SUM(i.total) AS lifetime_value
            FROM billing_customer c
            JOIN billing_invoice i ON i.customer_id = c.id
            WHERE i.status = 'paid'
            GROUP BY c.id, c.email
            ORDER BY lifetime_value DESC
            LIMIT %s
            """,
            [limit],
        )
        columns = [col[0] for col in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


def refresh_materialized_views():
    cursor = connections["reporting"].cursor()
    try:
        for view in MATERIALIZED_VIEWS:
            cursor.execute(f"REFRESH MATERIALIZED VIEW CONCURRENTLY {view}")
    finally:
        cursor.close()


def churn_by_cohort(start, end):
    cursor = connections["replica"].cursor()
    cursor.execute(
        """
        SELECT cohort_month, customers, churned, churned::float / NULLIF(customers, 0)
        FROM reporting_cohort_retention
        WHERE cohort_month BETWEEN %s AND %s
        ORDER BY cohort_month
        """,
        [start, end],
    )
    return cursor.fetchall()


def export_ledger_csv(out, since):
    """Stream the payment ledger to ``out``; returns the number of rows written."""
    cursor = connection.cursor()
    cursor.execute("SELECT COUNT(*) FROM billing_payment WHERE received_at >= %s", [since])
    (expected,) = cursor.fetchone()
    writer = csv.writer(out)
    writer.writerow(["id", "invoice", "amount", "provider_ref", "received_at"])
    try:
        cursor.execute(
            """
            SELECT id, invoice_id, amount, provider_ref, received_at
            FROM billing_payment
            WHERE received_at >= %s
            ORDER BY received_at
            """,
            [since],
        )
        for row in cursor:
            writer.writerow(row)
    finally:
        cursor.close()
    return expected
