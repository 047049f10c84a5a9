"""Per-shift telemetry store backed by SQLite files on the controller host."""
import datetime
import functools
import json
import os
import sqlite3
import threading
from contextlib import closing

DATA_DIR = os.environ.get("ROBOT_TELEMETRY_DIR", "/var/lib/robots")


@functools.lru_cache(maxsize=None)
def shift_db(shift_date):
    path = os.path.join(DATA_DIR, f"telemetry-{shift_date:%Y%m%d}.sqlite3")
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS status (robot_id TEXT, ts REAL, battery REAL, x REAL, y REAL, raw TEXT)"
    )
    return conn


def open_archive(path):
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


class TelemetryStore:
    def __init__(self):
        self._lock = threading.Lock()

    def record(self, robot_id, status):
        conn = shift_db(datetime.date.today())
        pos = status.get("pos") or (None, None)
        with self._lock, conn:
            conn.execute(
                "INSERT INTO status VALUES (?, ?, ?, ?, ?, ?)",
                (robot_id, datetime.datetime.now().timestamp(), status.get("battery"), pos[0], pos[1], json.dumps(status)),
            )


def robot_path(shift_date, robot_id):
    path = os.path.join(DATA_DIR, f"telemetry-{shift_date:%Y%m%d}.sqlite3")
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT ts, x, y FROM status WHERE robot_id = ? ORDER BY ts", (robot_id,)).fetchall()
    return [(ts, x, y) for ts, x, y in rows if x is not None]


def low_battery_events(shift_date, threshold=15.0):
    path = os.path.join(DATA_DIR, f"telemetry-{shift_date:%Y%m%d}.sqlite3")
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT robot_id, min(ts) FROM status WHERE battery < ? GROUP BY robot_id", (threshold,)
        ).fetchall()


def compact(shift_date):
    path = os.path.join(DATA_DIR, f"telemetry-{shift_date:%Y%m%d}.sqlite3")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DELETE FROM status WHERE battery IS NULL AND x IS NULL")
        conn.execute("VACUUM")
    finally:
        conn.close()


def summarize_archive(path):
    conn = open_archive(path)
    try:
        cur = conn.cursor()
        cur.execute("SELECT robot_id, count(*) AS n FROM status GROUP BY robot_id")
        return {row["robot_id"]: row["n"] for row in cur}
    finally:
        conn.close()
