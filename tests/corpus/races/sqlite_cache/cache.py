"""A tiny persistent key/value cache for the CLI tools, backed by SQLite."""
import json
import sqlite3
import time
from contextlib import closing

SCHEMA = """
CREATE TABLE IF NOT EXISTS cache (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    expires_at REAL NOT NULL
)
"""


class SQLiteCache:
    def __init__(self, path, default_ttl=3600):
        self.path = path
        self.default_ttl = default_ttl
        with closing(self._connect()) as conn, conn:
            conn.execute(SCHEMA)

    def _connect(self):
        return sqlite3.connect(self.path, timeout=5)

    def get(self, key, default=None):
        with closing(sqlite3.connect(self.path, timeout=5)) as conn:
            row = conn.execute(
                "SELECT value, expires_at FROM cache WHERE key = ?", (key,)
            ).fetchone()
        if row is None or row[1] < time.time():
            return default
        return json.loads(row[0])

    def set(self, key, value, ttl=None):
        expires_at = time.time() + (ttl or self.default_ttl)
        with sqlite3.connect(self.path, timeout=5) as conn:
            conn.execute(
                "INSERT OR REPLACE INTO cache (key, value, expires_at) VALUES (?, ?, ?)",
                (key, json.dumps(value), expires_at),
            )

    def delete(self, key):
        conn = sqlite3.connect(self.path, timeout=5)
        try:
            with conn:
                conn.execute("DELETE FROM cache WHERE key = ?", (key,))
        finally:
            conn.close()

    def purge_expired(self):
        with closing(sqlite3.connect(self.path, timeout=5)) as conn:
            with conn:
                cur = conn.execute("DELETE FROM cache WHERE expires_at < ?", (time.time(),))
            return cur.rowcount
