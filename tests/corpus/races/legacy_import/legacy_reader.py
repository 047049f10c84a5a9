"""Read-only access to the legacy desktop catalogue files."""
import sqlite3
from pathlib import Path


def open_catalog(path):
    """Open a catalogue file read-only. The caller owns the connection."""
    uri = f"file:{Path(path).resolve()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    conn.row_factory = sqlite3.Row
    return conn


class LegacyCatalog:
    def __init__(self, path):
        self.path = path
        self.conn = sqlite3.connect(path)
        self.conn.row_factory = sqlite3.Row

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self.conn.close()

    def authors(self):
        return self.conn.execute("SELECT id, name FROM authors ORDER BY id").fetchall()

    def books_by(self, author_id):
        return self.conn.execute(
            "SELECT id, isbn, title FROM books WHERE author_id = ?", (author_id,)
        ).fetchall()


def count_rows(path, table):
    conn = sqlite3.connect(path)
    try:
        (count,) = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()
        return count
    finally:
        conn.close()


def load_cover_index(path):
    """Map ISBN -> cover file name; older catalogues have no covers table."""
    conn = sqlite3.connect(path)
    tables = {
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if "covers" not in tables:
        return {}
    index = dict(conn.execute("SELECT isbn, filename FROM covers"))
    conn.close()
    return index
