#!/usr/bin/env python
"""One-off migration of student records from the old MySQL-based MIS.

Usage: python legacy_import.py /path/to/export.sqlite3

Reads the SQLite export produced by the vendor, then fetches photo consent
flags from the old MySQL server which is still running read-only.
"""
import os
import sys

import django
import pymysql

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schooladmin.settings")
django.setup()

import sqlite3  # noqa: E402

from school.models import Student  # noqa: E402


def fetch_consent_flags(student_numbers):
    conn = pymysql.connect(
        host=os.environ["LEGACY_MIS_HOST"],
        user=os.environ["LEGACY_MIS_USER"],
        password=os.environ["LEGACY_MIS_PASSWORD"],
        database="mis",
    )
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pupil_ref, photo_consent FROM pupils WHERE pupil_ref IN %s",
            (tuple(student_numbers),),
        )
        flags = dict(cur.fetchall())
    return flags


export_path = sys.argv[1]
conn = sqlite3.connect(export_path)
rows = conn.execute("SELECT pupil_ref, forename, surname, nc_year FROM pupil").fetchall()

created = 0
for pupil_ref, forename, surname, nc_year in rows:
    _student, was_created = Student.objects.get_or_create(
        student_number=pupil_ref,
        defaults={"first_name": forename, "last_name": surname, "year_group": nc_year},
    )
    created += was_created

consent = fetch_consent_flags([r[0] for r in rows])
print(f"imported {created} new students, {sum(1 for v in consent.values() if v)} with photo consent")
