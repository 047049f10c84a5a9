"""Raw-SQL reports. The ORM is too slow for these on the full postings table."""
import csv
import io

from django.db import connection, connections

TRIAL_BALANCE_SQL = """
    SELECT a.code, a.name, COALESCE(SUM(p.amount), 0) AS total
    FROM ledger_account a
    LEFT JOIN ledger_posting p ON p.account_id = a.id
    GROUP BY a.code, a.name
    ORDER BY a.code
"""


def dictfetchall(cursor):
    columns = [col[0] for col in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def trial_balance():
    with connection.cursor() as cursor:
        cursor.execute(TRIAL_BALANCE_SQL)
        return dictfetchall(cursor)


def account_activity(account_id, start, end):
    cursor = connection.cursor()
    cursor.execute(
        """
        SELECT e.reference, e.posted_at, p.amount
        FROM ledger_posting p JOIN ledger_journalentry e ON e.id = p.entry_id
        WHERE p.account_id = %s AND e.posted_at >= %s AND e.posted_at < %s
        ORDER BY e.posted_at
        """,
        [account_id, start, end],
    )
    return dictfetchall(cursor)


def monthly_volume_csv(year):
    cursor = connections["reporting"].cursor()
    cursor.execute(
        "SELECT date_trunc('month', posted_at), count(*) FROM ledger_journalentry "
        "WHERE extract(year FROM posted_at) = %s GROUP BY 1 ORDER BY 1",
        [year],
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "entries"])
    for month, count in cursor.fetchall():
        writer.writerow([month.strftime("%Y-%m"), count])
    cursor.close()
    return out.getvalue()


def unmatched_statement_lines(limit=500):
    cursor = connections["reporting"].cursor()
    try:
        cursor.execute(
            "SELECT bank_reference, amount, booked_on FROM ledger_externalstatementline "
            "WHERE matched_entry_id IS NULL ORDER BY booked_on LIMIT %s",
            [limit],
        )
        return cursor.fetchall()
    finally:
        cursor.close()


def refresh_materialized_views():
    with connections["reporting"].cursor() as cursor:
        for view in ("mv_daily_balances", "mv_account_turnover"):
            cursor.execute(f"REFRESH MATERIALIZED VIEW CONCURRENTLY {view}")
