"""Local artifact cache index kept by each runner host.

The index is a small SQLite database next to the cached tarballs. It is used by
the runner agent, not by the Django app, so it talks to sqlite3 directly.
"""
import hashlib
import os
import sqlite3
import time
from contextlib import closing

SCHEMA = """
CREATE TABLE IF NOT EXISTS artifacts (
    digest TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    last_used REAL NOT NULL
)
"""


def _digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class ArtifactIndex:
    def __init__(self, root):
        self.root = root
        self.db_path = os.path.join(root, "index.sqlite3")
        self.conn = sqlite3.connect(self.db_path, timeout=30)
        self.conn.execute(SCHEMA)

    def close(self):
        self.conn.close()

    def add(self, path):
        digest = _digest(path)
        with self.conn:
            self.conn.execute(
                "INSERT OR REPLACE INTO artifacts (digest, path, size, last_used) VALUES (?, ?, ?, ?)",
                (digest, path, os.path.getsize(path), time.time()),
            )
        return digest

    def lookup(self, digest):
        cur = self.conn.cursor()
        cur.execute("SELECT path FROM artifacts WHERE digest = ?", (digest,))
        row = cur.fetchone()
        if row is None:
            return None
        self.conn.execute("UPDATE artifacts SET last_used = ? WHERE digest = ?", (time.time(), digest))
        self.conn.commit()
        return row[0]

    def stale_entries(self, max_age_seconds):
        cutoff = time.time() - max_age_seconds
        with closing(self.conn.cursor()) as cur:
            cur.execute("SELECT digest, path FROM artifacts WHERE last_used < ?", (cutoff,))
            return cur.fetchall()


def total_cache_size(root):
    db_path = os.path.join(root, "index.sqlite3")
    with sqlite3.connect(db_path) as conn:
        (size,) = conn.execute("SELECT COALESCE(SUM(size), 0) FROM artifacts").fetchone()
    return size


def prune(root, max_bytes):
    db_path = os.path.join(root, "index.sqlite3")
    with closing(sqlite3.connect(db_path)) as conn:
        rows = conn.execute("SELECT digest, path, size FROM artifacts ORDER BY last_used").fetchall()
        total = sum(r[2] for r in rows)
        for digest, path, size in rows:
            if total <= max_bytes:
                break
            try:
                os.remove(path)
            except FileNotFoundError:
                pass
            conn.execute("DELETE FROM artifacts WHERE digest = ?", (digest,))
            total -= size
        conn.commit()
    return total


def export_manifest(root, out_path):
    conn = sqlite3.connect(os.path.join(root, "index.sqlite3"))
    rows = conn.execute("SELECT digest, size FROM artifacts ORDER BY digest").fetchall()
    with open(out_path, "w") as fh:
        for digest, size in rows:
            fh.write(f"{digest}\t{size}\n")
    conn.close()
    return len(rows)
