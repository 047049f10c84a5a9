"""Telemetry ingestion worker.

Reads decoded sensor frames from the broker and writes them to TimescaleDB.
This process does not use Django; it talks to Postgres through psycopg2.
"""
import logging
import os
from contextlib import closing

import psycopg2
import psycopg2.extras

log = logging.getLogger("iot.ingest")

DSN = os.environ.get("TELEMETRY_DSN", "dbname=telemetry")

INSERT_READINGS = """
    INSERT INTO readings (device_id, ts, metric, value)
    VALUES %s
    ON CONFLICT (device_id, ts, metric) DO NOTHING
"""


class ReadingWriter:
    """Long-lived writer owned by the worker process."""

    def __init__(self, dsn=DSN):
        self.conn = psycopg2.connect(dsn, application_name="iot-ingest")
        self.conn.autocommit = False

    def write_batch(self, frames):
        rows = [(f.device_id, f.ts, metric, value) for f in frames for metric, value in f.values.items()]
        if not rows:
            return 0
        with self.conn.cursor() as cur:
            psycopg2.extras.execute_values(cur, INSERT_READINGS, rows, page_size=500)
        self.conn.commit()
        return len(rows)

    def last_seen(self, device_id):
        cur = self.conn.cursor()
        cur.execute("SELECT max(ts) FROM readings WHERE device_id = %s", (device_id,))
        (ts,) = cur.fetchone()
        return ts

    def close(self):
        self.conn.close()


def register_device(device_id, model, firmware):
    with psycopg2.connect(DSN) as conn:
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO devices (id, model, firmware) VALUES (%s, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET firmware = EXCLUDED.firmware",
                (device_id, model, firmware),
            )


def device_count():
    conn = psycopg2.connect(DSN)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM devices")
            return cur.fetchone()[0]
    finally:
        conn.close()


def purge_device(device_id):
    with closing(psycopg2.connect(DSN)) as conn:
        with conn, conn.cursor() as cur:
            cur.execute("DELETE FROM readings WHERE device_id = %s", (device_id,))
            cur.execute("DELETE FROM devices WHERE id = %s", (device_id,))
            return cur.rowcount


def firmware_histogram():
    conn = psycopg2.connect(DSN)
    cur = conn.cursor()
    cur.execute("SELECT firmware, count(*) FROM devices GROUP BY firmware ORDER BY 2 DESC")
    result = dict(cur.fetchall())
    cur.close()
    conn.close()
    return result
