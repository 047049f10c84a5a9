"""EG301/EG302 fixes keep behaviour and close what leaked: before/after runs on real SQLite.

Each program below is fixed with ``errguard fix``; then the original and the fixed program run
the same calls against the same data. Results and the database afterwards must be identical, and
every cursor or connection a call opened must be closed after the fixed call (using it raises
``Cannot operate on a closed ...``), where the original leaked some. Django programs run in a
subprocess (``tests/rules/resources/resources_django.py``) so this process never configures Django.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import run_cli

DBAPI_PROGRAM = '''
"""Reports over the orders database."""
import os
import sqlite3
from sqlite3 import connect

SHARED = sqlite3.connect(os.environ["ERRGUARD_TEST_DB"])


def count_orders(path):
    conn = sqlite3.connect(path)
    total = conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    conn.close()
    return total


def add_order(path, customer, total):
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO orders (customer, total) VALUES (?, ?)", [customer, total])


def customers(path):
    conn = sqlite3.connect(path)
    cur = conn.cursor()
    cur.execute("SELECT DISTINCT customer FROM orders ORDER BY customer")
    return [row[0] for row in cur]


def biggest(path):
    value = connect(path).execute("SELECT MAX(total) FROM orders").fetchone()[0]
    return value


def shared_total():
    cur = SHARED.cursor()
    cur.execute("SELECT SUM(total) FROM orders")
    return cur.fetchone()[0]


def broken(path):
    conn = sqlite3.connect(path)
    conn.execute("SELECT * FROM missing")
    conn.close()


def broken_shared():
    cur = SHARED.cursor()
    cur.execute("SELECT * FROM missing")
    return cur.fetchall()
'''
DBAPI_CALLS = [
    ("count_orders", ["$DB"], 0),  # closed on the happy path
    ("add_order", ["$DB", "carol", 7], 1),  # ``with sqlite3.connect()`` does not close
    ("customers", ["$DB"], 2),  # the connection and its cursor
    ("biggest", ["$DB"], 1),
    ("shared_total", [], 1),
    ("broken", ["$DB"], 1),  # the error skips close()
    ("broken_shared", [], 1),
]

DJANGO_PROGRAM = """
from django.db import connection, connections


def totals():
    cursor = connection.cursor()
    cursor.execute("SELECT customer, SUM(total) FROM orders GROUP BY customer ORDER BY customer")
    return cursor.fetchall()


def archive(cutoff):
    cursor = connections["default"].cursor()
    cursor.execute("DELETE FROM orders WHERE total < %s", [cutoff])
    deleted = cursor.rowcount
    cursor.close()
    return deleted


def bump():
    connection.cursor().execute("UPDATE orders SET total = total + 1")


def newest():
    return connection.cursor().execute("SELECT MAX(id) FROM orders").fetchone()[0] + 0


def counts(tables):
    result = {}
    for table in tables:
        cursor = connection.cursor()
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        result[table] = cursor.fetchone()[0]
    return result


def broken():
    cursor = connection.cursor()
    cursor.execute("SELECT * FROM missing")
    return cursor.fetchall()
"""
DJANGO_CALLS = [
    ("totals", [], 1),
    ("bump", [], 1),
    ("newest", [], 1),
    ("counts", [["orders", "orders"]], 2),
    ("archive", [10], 0),  # closed on the happy path
    ("broken", [], 1),  # the error skips close()
]


def _fixed(project: Path, name: str, program: str) -> tuple[str, str]:
    """The program as written and as ``errguard fix`` leaves it."""
    path = project / name
    original = textwrap.dedent(program)
    path.write_text(original)
    assert run_cli("check", path, "--select", "EG301,EG302").code == 1
    result = run_cli("fix", path, "--select", "EG301,EG302")
    assert result.code == 0, result.out + result.err
    fixed = path.read_text()
    assert fixed != original
    compile(fixed, name, "exec")
    return original, fixed


def _create_database(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total INT)")
        conn.executemany(
            "INSERT INTO orders (customer, total) VALUES (?, ?)",
            [("alice", 5), ("bob", 12), ("alice", 30)],
        )


def _is_open(resource: sqlite3.Connection | sqlite3.Cursor) -> bool:
    try:
        resource.execute("SELECT 1")
    except sqlite3.ProgrammingError as exc:
        if "closed" not in str(exc):
            raise
        return False
    return True


def _run_dbapi(source: str, database: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Run the calls on a fresh copy of the data, recording what each call opened."""
    _create_database(database)
    opened: list[sqlite3.Connection | sqlite3.Cursor] = []
    real_connect = sqlite3.connect

    class Tracked(sqlite3.Connection):
        # Python 3.10's Connection.execute() makes its cursor through self.cursor(); later
        # versions do not. Only the program's own cursor() calls are counted, on every version.
        shortcut = False

        def cursor(self, *args, **kwargs):
            cursor = super().cursor(*args, **kwargs)
            if not self.shortcut:
                opened.append(cursor)
            return cursor

        def _shortcut(self, method, *args, **kwargs):
            self.shortcut = True
            try:
                return method(*args, **kwargs)
            finally:
                self.shortcut = False

        def execute(self, *args, **kwargs):
            return self._shortcut(super().execute, *args, **kwargs)

        def executemany(self, *args, **kwargs):
            return self._shortcut(super().executemany, *args, **kwargs)

        def executescript(self, *args, **kwargs):
            return self._shortcut(super().executescript, *args, **kwargs)

    def connect(*args, **kwargs):
        conn = real_connect(*args, factory=Tracked, **kwargs)
        opened.append(conn)
        return conn

    calls = []
    with monkeypatch.context() as patch:
        patch.setenv("ERRGUARD_TEST_DB", str(database))
        patch.setattr(sqlite3, "connect", connect)
        namespace: dict[str, object] = {"__name__": "program"}
        exec(compile(source, "program.py", "exec"), namespace)
        for name, args, _ in DBAPI_CALLS:
            opened.clear()
            arguments = [str(database) if arg == "$DB" else arg for arg in args]
            try:
                outcome = ("ok", namespace[name](*arguments))
            except sqlite3.Error as exc:
                outcome = ("error", type(exc).__name__)
            calls.append({"outcome": outcome, "open": sum(map(_is_open, opened))})
    shared = namespace["SHARED"]
    assert isinstance(shared, sqlite3.Connection)
    shared.close()
    with real_connect(database) as conn:
        state = conn.execute("SELECT id, customer, total FROM orders ORDER BY id").fetchall()
    conn.close()
    database.unlink()
    return {"calls": calls, "state": state}


def _run_django(program: Path, source: str) -> dict[str, object]:
    program.write_text(source)
    runner = Path(__file__).with_name("resources_django.py")
    calls = [[name, args] for name, args, _ in DJANGO_CALLS]
    completed = subprocess.run(
        [sys.executable, str(runner), str(program), json.dumps(calls)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_dbapi_fix_keeps_results_and_closes_everything(project, monkeypatch):
    original, fixed = _fixed(project, "reports.py", DBAPI_PROGRAM)
    assert "import contextlib\n" in fixed
    assert "with contextlib.closing(sqlite3.connect(path)) as conn, conn:" in fixed
    database = project / "orders.db"
    before = _run_dbapi(original, database, monkeypatch)
    after = _run_dbapi(fixed, database, monkeypatch)
    assert [call["outcome"] for call in after["calls"]] == [
        call["outcome"] for call in before["calls"]
    ]
    assert after["state"] == before["state"]
    assert ("ok", 3) in [call["outcome"] for call in before["calls"]]
    assert [call["open"] for call in before["calls"]] == [leaks for *_, leaks in DBAPI_CALLS]
    assert [call["open"] for call in after["calls"]] == [0] * len(DBAPI_CALLS)
    # The transaction of ``with sqlite3.connect()`` still commits after the fix.
    assert (4, "carol", 7) in after["state"]


def test_django_fix_keeps_results_and_closes_every_cursor(project):
    original, fixed = _fixed(project, "queries.py", DJANGO_PROGRAM)
    assert "with connection.cursor() as cursor:" in fixed
    assert "cursor.close()" not in fixed
    before = _run_django(project / "before.py", original)
    after = _run_django(project / "after.py", fixed)
    assert after["calls"] == [{"outcome": call["outcome"], "open": 0} for call in before["calls"]]
    assert after["state"] == before["state"]
    assert before["calls"][0]["outcome"] == ["ok", [["alice", 35], ["bob", 12]]]
    assert before["calls"][-1]["outcome"] == ["error", "OperationalError"]
    assert [call["open"] for call in before["calls"]] == [leaks for *_, leaks in DJANGO_CALLS]


def test_fixed_programs_are_clean_and_fixing_again_changes_nothing(project):
    for name, program in (("reports.py", DBAPI_PROGRAM), ("queries.py", DJANGO_PROGRAM)):
        _, fixed = _fixed(project, name, program)
        assert run_cli("check", project / name, "--select", "EG301,EG302").code == 0
        assert run_cli("fix", project / name, "--select", "EG301,EG302").code == 0
        assert (project / name).read_text() == fixed


def test_cursors_in_migrations_are_left_alone(project):
    backfill = textwrap.dedent(
        """
        from django.db import connection

        def backfill(apps, schema_editor):
            cursor = connection.cursor()
            cursor.execute("UPDATE shop_order SET status = 'new' WHERE status IS NULL")
        """
    )
    (project / "pyproject.toml").write_text("")
    for module in ("shop/migrations/0002_backfill.py", "shop/backfill.py"):
        (project / module).parent.mkdir(parents=True, exist_ok=True)
        (project / module).write_text(backfill)

    result = run_cli("check", "--select", "EG301", "--format", "concise", ".")

    assert [line.split(":")[0] for line in result.out.splitlines()] == ["shop/backfill.py"]
