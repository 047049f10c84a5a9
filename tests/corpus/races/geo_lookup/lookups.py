"""Postcode lookups against the bundled ONS postcode directory (SQLite)."""
import csv
import sqlite3
from contextlib import closing
from functools import lru_cache

from django.conf import settings

POSTCODE_DB = settings.BASE_DIR / "data" / "postcodes.sqlite3"


def normalise(postcode):
    return "".join(postcode.split()).upper()


def lookup_postcode(postcode):
    with sqlite3.connect(POSTCODE_DB) as conn:
        row = conn.execute(
            "SELECT latitude, longitude, district FROM postcodes WHERE postcode = ?",
            (normalise(postcode),),
        ).fetchone()
    if row is None:
        return None
    lat, lng, district = row
    return {"lat": lat, "lng": lng, "district": district}


@lru_cache(maxsize=1)
def _readonly_connection():
    return sqlite3.connect(
        f"file:{POSTCODE_DB}?mode=ro", uri=True, check_same_thread=False
    )


def nearest_districts(lat, lng, limit=5):
    conn = _readonly_connection()
    return conn.execute(
        """
        SELECT district,
               (latitude - ?) * (latitude - ?) + (longitude - ?) * (longitude - ?) AS d2
        FROM district_centroids
        ORDER BY d2
        LIMIT ?
        """,
        (lat, lat, lng, lng, limit),
    ).fetchall()


def district_names():
    with closing(sqlite3.connect(POSTCODE_DB)) as conn:
        return [row[0] for row in conn.execute("SELECT DISTINCT district FROM postcodes ORDER BY 1")]


def import_postcodes(csv_path, db_path=POSTCODE_DB):
    conn = sqlite3.connect(db_path)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS postcodes "
        "(postcode TEXT PRIMARY KEY, latitude REAL, longitude REAL, district TEXT)"
    )
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = (
            (normalise(r["pcds"]), float(r["lat"]), float(r["long"]), r["oslaua"])
            for r in csv.DictReader(fh)
        )
        conn.executemany("INSERT OR REPLACE INTO postcodes VALUES (?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
