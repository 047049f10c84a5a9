import io
import os
from contextlib import closing, contextmanager

import psycopg2


def get_connection(dsn=None):
    return psycopg2.connect(dsn or os.environ["WAREHOUSE_DSN"])


@contextmanager
def pg_connection(dsn):
    conn = psycopg2.connect(dsn)
    try:
        yield conn
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        conn.close()


def table_exists(dsn, table):
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass(%s)", (table,))
            return cur.fetchone()[0] is not None
    finally:
        conn.close()


def copy_table(src_dsn, dst_dsn, table):
    buf = io.StringIO()
    with closing(psycopg2.connect(src_dsn)) as src, closing(psycopg2.connect(dst_dsn)) as dst:
        with src.cursor() as cur:
            cur.copy_expert(f"COPY {table} TO STDOUT WITH CSV", buf)
        buf.seek(0)
        with dst, dst.cursor() as cur:
            cur.execute(f"TRUNCATE {table}")
            cur.copy_expert(f"COPY {table} FROM STDIN WITH CSV", buf)
