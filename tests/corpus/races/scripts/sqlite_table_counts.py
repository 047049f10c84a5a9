#!/usr/bin/env python
"""Print the row count of every table in a SQLite database.

Usage: python scripts/sqlite_table_counts.py path/to/db.sqlite3
"""
import sqlite3
import sys

if len(sys.argv) != 2:
    sys.exit(__doc__)

conn = sqlite3.connect(sys.argv[1])
tables = [
    row[0]
    for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    )
]
width = max((len(t) for t in tables), default=0)
for table in tables:
    (count,) = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()
    print(f"{table:<{width}}  {count:>10}")
