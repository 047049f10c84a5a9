"""Run a program's functions with Django on in-memory SQLite, in a process of its own.

``python tests/rules/resources/resources_django.py PROGRAM CALLS_JSON`` prints one JSON object: each call's
result (or the name of the exception it raised), how many of the cursors it opened were still
open afterwards, and the ``orders`` table at the end. The test suite runs this in a subprocess so
that its own process never configures Django settings.
"""

from __future__ import annotations

import json
import runpy
import sys

import django
from django.conf import settings


def _is_open(cursor):
    try:
        cursor.execute("SELECT 1")
    except django.db.Error:
        return False
    except Exception as exc:  # sqlite3.ProgrammingError: Cannot operate on a closed cursor.
        if "closed" in str(exc):
            return False
        raise
    return True


def main(program, calls):
    memory = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    settings.configure(DATABASES={"default": memory}, INSTALLED_APPS=[], USE_TZ=True)
    django.setup()
    from django.db import connection
    from django.db.backends.sqlite3.base import DatabaseWrapper

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total INT)")
        cursor.executemany(
            "INSERT INTO orders (customer, total) VALUES (%s, %s)",
            [("alice", 5), ("bob", 12), ("alice", 30)],
        )
    opened = []
    create_cursor = DatabaseWrapper.create_cursor

    def recording(self, name=None):
        cursor = create_cursor(self, name)
        opened.append(cursor)
        return cursor

    DatabaseWrapper.create_cursor = recording
    namespace = runpy.run_path(program)
    outcomes = []
    for name, args in calls:
        opened.clear()
        try:
            outcome = ["ok", namespace[name](*args)]
        except Exception as exc:
            outcome = ["error", type(exc).__name__]
        outcomes.append({"outcome": outcome, "open": sum(map(_is_open, opened))})
    DatabaseWrapper.create_cursor = create_cursor
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, customer, total FROM orders ORDER BY id")
        state = cursor.fetchall()
    print(json.dumps({"calls": outcomes, "state": state}))


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]))
