"""Small helpers around raw SQL access."""
from contextlib import closing, contextmanager

from django.db import connection, connections


def dictfetchall(cursor):
    """Return all rows from a cursor as a list of dicts."""
    columns = [col[0] for col in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def raw_cursor(alias="default"):
    """Return a cursor on ``alias``. The caller must close it."""
    return connections[alias].cursor()


@contextmanager
def reporting_cursor(statement_timeout_ms=30_000):
    cursor = connections["reporting"].cursor()
    try:
        cursor.execute("SET statement_timeout = %s", [statement_timeout_ms])
        yield cursor
    finally:
        cursor.close()


def table_row_counts(tables):
    counts = {}
    with closing(connection.cursor()) as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def fetch_in_batches(conn, query, params=(), size=1000):
    cur = conn.cursor()
    cur.execute(query, params)
    while True:
        batch = cur.fetchmany(size)
        if not batch:
            break
        yield from batch


def reset_sequences(tables):
    """Point each table's id sequence past its current maximum id (PostgreSQL)."""
    cursor = connection.cursor()
    for table in tables:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 1))",
            [table],
        )
    return len(tables)


def explain(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params or [])
        return "\n".join(row[0] for row in cursor.fetchall())
