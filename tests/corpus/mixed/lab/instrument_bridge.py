"""Bridge between analyser middleware (SQLite spool) and the LIS Postgres DB.

Analysers drop results into a local SQLite spool file; this bridge moves them
into the LIS database. Runs as a systemd service on the lab gateway host.
"""
import argparse
import logging
import os
import sqlite3
import time

import psycopg

log = logging.getLogger("lab.bridge")

LIS_DSN = os.environ.get("LIS_DSN", "postgresql://lis@localhost/lis")


def read_spool(spool_path, limit=200):
    conn = sqlite3.connect(spool_path, timeout=10)
    try:
        return conn.execute(
            "SELECT id, barcode, analyte, value, unit FROM spool WHERE transferred = 0 ORDER BY id LIMIT ?",
            (limit,),
        ).fetchall()
    finally:
        conn.close()


def mark_transferred(spool_path, ids):
    conn = sqlite3.connect(spool_path, timeout=10)
    with conn:
        conn.executemany("UPDATE spool SET transferred = 1 WHERE id = ?", [(i,) for i in ids])


def push_to_lis(rows):
    with psycopg.connect(LIS_DSN) as conn:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO lis_inbound (barcode, analyte, value, unit) VALUES (%s, %s, %s, %s)",
                [(barcode, analyte, value, unit) for _id, barcode, analyte, value, unit in rows],
            )
    return len(rows)


def lis_backlog():
    conn = psycopg.connect(LIS_DSN, autocommit=True)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM lis_inbound WHERE processed_at IS NULL")
        (count,) = cur.fetchone()
    conn.close()
    return count


def spool_stats(spool_path):
    conn = sqlite3.connect(f"file:{spool_path}?mode=ro", uri=True)
    cur = conn.cursor()
    try:
        cur.execute("SELECT transferred, count(*) FROM spool GROUP BY transferred")
        return dict(cur.fetchall())
    finally:
        cur.close()
        conn.close()


def run_forever(spool_path, interval):
    while True:
        rows = read_spool(spool_path)
        if rows:
            try:
                push_to_lis(rows)
            except psycopg.OperationalError:
                log.warning("LIS unavailable, will retry %d rows", len(rows), exc_info=True)
            else:
                mark_transferred(spool_path, [r[0] for r in rows])
        time.sleep(interval)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("spool")
    parser.add_argument("--interval", type=float, default=5.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    run_forever(args.spool, args.interval)
