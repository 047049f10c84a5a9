from __future__ import annotations

import ast

from errguard.detect.context import FileContext
from errguard.models import Applicability, Invalid, Valid
from errguard.registry import Rule
from errguard.rules.resources._connections import TRANSACTION_ONLY, Function
from errguard.rules.resources._resources import module_facts, scope_for
from errguard.rules.resources._resources_fix import advise
from errguard.rules.resources.unclosed_cursor import PROBLEMS

_TRANSACTION = "commits or rolls back a transaction but does not close the connection"
_SQLITE = (
    "each leaked connection keeps the database file open (and locked while it has uncommitted "
    "writes) until garbage collection reclaims it, so writers fail with `database is locked` "
    "and the process runs out of file descriptors"
)
_SERVER = (
    "each leaked connection holds a database server connection until garbage collection "
    "reclaims it, until the server refuses new ones (`too many connections`)"
)


class UnclosedConnection(Rule):
    """DB-API connection not closed on every path.

    ## What it does
    Flags a connection opened with `sqlite3.connect`, `psycopg.connect`, `psycopg2.connect`,
    `pymysql.connect`, `MySQLdb.connect`, `mysql.connector.connect`, `pyodbc.connect`,
    `cx_Oracle.connect`, `oracledb.connect` or `pymssql.connect` (however imported, also
    `from sqlite3 import connect`), or with a function or method of the same module whose every
    `return` is such a call, that is not closed on every path: not wrapped in
    `contextlib.closing(...)`, not closed in a `finally:` that covers its uses (a use between
    the open and the `try` escapes it; making a cursor there does not count), and not used as
    a context manager by a driver whose connection closes on exit. `with sqlite3.connect(...)
    as conn:`, `with psycopg2.connect(...) as conn:` and `with pyodbc.connect(...) as conn:` only
    commit or roll back a transaction: the connection stays open, so they are flagged too.
    Closing it at the end of the happy path, or only in an `except` handler, still leaks it when
    an error is raised in between (only `with` and `finally` count).

    Not flagged: a connection that is returned, yielded, stored on an object, in a module global
    or a container, captured by a nested function, or passed to a call that may keep it
    (ownership passes), unless the function closes it itself, which shows it is the owner; the
    same holds for a cursor made from it. A bare `sqlite3.connect(path)` statement (in a test,
    expected to raise) drops the connection at once. Module-level code is not checked: a
    connection opened there (a script's, or a module constant) is meant to live as long as the
    process. A function cached with `functools.lru_cache`/`cache` returns the same connection on
    every call, held for the process, so the connection it returns is not a new one to close.
    Async drivers are out of scope.

    ## Why is this bad?
    A connection that an error skips the `close()` of stays open until the garbage collector
    reaches it, which, with the traceback holding the frame (or on PyPy), can be much later. A
    PostgreSQL or MySQL server has a fixed number of connection slots: under load the leaked
    connections use them up and every new request fails with `too many connections`. A SQLite
    connection keeps its file open and, with an open write transaction, locked: other writers
    fail with `database is locked` and the process runs out of file descriptors. From Python 3.13
    an unclosed `sqlite3.Connection` emits a `ResourceWarning`.

    ## Example
    ```python
    import sqlite3

    def count_orders(path):
        conn = sqlite3.connect(path)
        total = conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
        conn.close()
        return total
    ```

    ## Use instead
    ```python
    import contextlib
    import sqlite3

    def count_orders(path):
        with contextlib.closing(sqlite3.connect(path)) as conn:
            total = conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
        return total
    ```

    ## Fix safety
    The fix moves the statements from the `conn = ...` assignment through the last use of the
    connection (or of a cursor or result read from it lazily) into `with
    contextlib.closing(<connect call>) as conn:`, removes a `conn.close()` that ended them, and
    adds `import contextlib` unless the module already imports `contextlib` or `closing`.
    `with sqlite3.connect(...) as conn:` becomes `with contextlib.closing(sqlite3.connect(...))
    as conn, conn:`, which still commits or rolls back as before and then closes. Closing does
    not commit: uncommitted changes are rolled back, exactly as when the leaked connection was
    garbage collected. The fix is offered only when that is provably the only change: the
    connection is assigned once, every use is in the moved statements, and none of them closes
    it in between.
    """

    code = "EG302"
    message = "{subject} {problem}: under load, {consequence}"
    help = "use `{advice}`"
    triggers = (b"connect(", b"Connect(")
    fix = Applicability.SAFE
    fix_title = "Close the connection with `{statement}`"

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self._check(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self._check(node, ctx)

    def _check(self, node: Function, ctx: FileContext) -> None:
        scope = scope_for(ctx, node, (*self.triggers, *module_facts(ctx).openers))
        if scope is None:
            return
        for call in scope.calls:
            kind = scope.connection_kind(call)
            if kind is None or not kind.opened:
                continue
            leak = scope.leak(call, transaction_only=kind.family in TRANSACTION_ONLY)
            if leak is None:
                continue
            advice = advise(scope, leak, fresh="conn", closing=True)
            call_text = ctx.segment(leak.call)
            name = leak.trace.name
            if leak.how == "transaction":
                subject, problem = f"`with {call_text}`", _TRANSACTION
            else:
                subject = f"`{name}` from `{call_text}`" if name else f"`{call_text}`"
                problem = PROBLEMS[leak.how]
            self.report(
                ctx,
                leak.call,
                subject=subject,
                problem=problem,
                consequence=_SQLITE if kind.family == "sqlite3" else _SERVER,
                advice=advice.statement,
                fix=advice.fix_data is not None,
                fix_data=advice.fix_data,
            )

    VALID = (
        Valid(
            """
            import sqlite3

            def stats(path):
                conn = sqlite3.connect(path)
                cur = conn.cursor()  # making a cursor cannot fail: the finally still covers
                try:
                    cur.execute("SELECT count(*) FROM spool")
                    return cur.fetchone()
                finally:
                    conn.close()
            """
        ),
        Valid(
            """
            import sqlite3
            from functools import lru_cache

            @lru_cache(maxsize=1)
            def _postcodes():
                # One read-only connection for the process, kept by the cache.
                return sqlite3.connect("file:postcodes.db?mode=ro", uri=True)

            def district(code):
                return _postcodes().execute("SELECT d FROM p WHERE c = ?", (code,)).fetchone()
            """
        ),
        Valid(
            """
            import contextlib
            import sqlite3

            def count_orders(path):
                with contextlib.closing(sqlite3.connect(path)) as conn, conn:
                    return conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
            """
        ),
        Valid(
            """
            import psycopg2

            def drop_database(dsn, name):
                conn = None
                try:
                    conn = psycopg2.connect(dsn)
                    conn.autocommit = True
                    with conn.cursor() as cur:
                        cur.execute(f'DROP DATABASE "{name}"')
                finally:
                    if conn is not None:
                        conn.close()
            """
        ),
        Valid(
            """
            import sqlite3

            def copy_rows(source, target):
                src = sqlite3.connect(source)
                dst = sqlite3.connect(target)
                try:
                    try:
                        dst.executemany("INSERT INTO t VALUES (?)", src.execute("SELECT x FROM t"))
                        dst.commit()
                    except sqlite3.Error:
                        dst.rollback()
                        raise
                finally:
                    dst.close()
                    src.close()
            """
        ),
        Valid(
            """
            import MySQLdb
            import psycopg
            import pymysql

            def versions(dsn, **mysql):
                # These drivers close the connection at the end of the with block.
                with psycopg.connect(dsn) as conn:
                    first = conn.execute("SELECT version()").fetchone()
                with pymysql.connect(**mysql) as conn:
                    second = conn.get_server_info()
                with MySQLdb.connect(**mysql) as conn:
                    third = conn.get_server_info()
                return first, second, third
            """
        ),
        Valid(
            """
            import sqlite3

            def open_db(path):
                conn = sqlite3.connect(path)
                conn.row_factory = sqlite3.Row
                return conn

            class Store:
                def __init__(self, path):
                    self.conn = sqlite3.connect(path)

                def cursor(self):
                    conn = sqlite3.connect(self.path)
                    return conn.cursor()
            """
        ),
        Valid(
            """
            import sqlite3

            import pytest

            # A module constant lives as long as the process.
            CACHE = sqlite3.connect(":memory:", check_same_thread=False)

            @pytest.fixture
            def db():
                conn = sqlite3.connect(":memory:")
                yield conn
                conn.close()
            """
        ),
        Valid(
            """
            import atexit
            import sqlite3

            def connect_pool(pool, dsn):
                pool.put(sqlite3.connect(dsn))
                conn = sqlite3.connect(dsn)
                atexit.register(conn.close)
                return None
            """
        ),
        Valid(
            """
            import sqlite3
            import unittest

            class OpenTests(unittest.TestCase):
                def test_missing_directory(self):
                    with self.assertRaises(sqlite3.OperationalError):
                        sqlite3.connect("/missing/directory/app.db")
            """
        ),
        Valid(
            """
            from psycopg2 import connect

            def check(dsn, connections):
                conn = connect(dsn)
                connections.append(conn)
                conn.cursor().execute("SELECT 1")
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            import sqlite3

            def count_orders(path):
                conn = sqlite3.connect(path)
                total = conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
                conn.close()
                return total
            """,
            line=4,
            column=12,
            message="`conn` from `sqlite3.connect(path)` is not closed when an error is raised "
            "before `close()`: under load, each leaked connection keeps the database file open "
            "(and locked while it has uncommitted writes) until garbage collection reclaims it, "
            "so writers fail with `database is locked` and the process runs out of file "
            "descriptors; use `with contextlib.closing(sqlite3.connect(path)) as conn:`",
            fixed="""
            import contextlib
            import sqlite3

            def count_orders(path):
                with contextlib.closing(sqlite3.connect(path)) as conn:
                    total = conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
                return total
            """,
        ),
        Invalid(
            """
            def drop_database(dsn, name):
                import psycopg2 as Database

                conn = Database.connect(dsn)
                conn.autocommit = True
                cur = conn.cursor()
                cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
                print("dropped", name)
            """,
            line=4,
            message="`conn` from `Database.connect(dsn)` is never closed: under load, each leaked "
            "connection holds a database server connection until garbage collection reclaims it, "
            "until the server refuses new ones (`too many connections`); use "
            "`with contextlib.closing(Database.connect(dsn)) as conn:`",
            fixed="""
            import contextlib


            def drop_database(dsn, name):
                import psycopg2 as Database

                with contextlib.closing(Database.connect(dsn)) as conn:
                    conn.autocommit = True
                    cur = conn.cursor()
                    cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
                print("dropped", name)
            """,
        ),
        Invalid(
            """
            import sqlite3

            def add_order(path, total):
                with sqlite3.connect(path) as conn:
                    conn.execute("INSERT INTO orders (total) VALUES (?)", [total])
            """,
            line=4,
            column=10,
            message="`with sqlite3.connect(path)` commits or rolls back a transaction but does not "
            "close the connection: under load, each leaked connection keeps the database file "
            "open (and locked while it has uncommitted writes) until garbage collection reclaims "
            "it, so writers fail with `database is locked` and the process runs out of file "
            "descriptors; use `with contextlib.closing(sqlite3.connect(path)) as conn, conn:`",
            fixed="""
            import contextlib
            import sqlite3

            def add_order(path, total):
                with contextlib.closing(sqlite3.connect(path)) as conn, conn:
                    conn.execute("INSERT INTO orders (total) VALUES (?)", [total])
            """,
        ),
        Invalid(
            """
            import contextlib

            import psycopg2
            import pyodbc

            def sync(dsn, odbc):
                with (
                    psycopg2.connect(dsn) as pg,
                    pyodbc.connect(odbc) as mssql,
                ):
                    with pg.cursor() as cur:
                        cur.execute("SELECT id FROM orders")
                        rows = cur.fetchall()
                    mssql.cursor().executemany("INSERT INTO seen VALUES (?)", rows)
            """,
            count=2,
            fixed="""
            import contextlib

            import psycopg2
            import pyodbc

            def sync(dsn, odbc):
                with (
                    contextlib.closing(psycopg2.connect(dsn)) as pg, pg,
                    contextlib.closing(pyodbc.connect(odbc)) as mssql, mssql,
                ):
                    with pg.cursor() as cur:
                        cur.execute("SELECT id FROM orders")
                        rows = cur.fetchall()
                    mssql.cursor().executemany("INSERT INTO seen VALUES (?)", rows)
            """,
        ),
        Invalid(
            """
            import sqlite3

            def add_order(path, total):
                with sqlite3.connect(path) as conn:
                    conn.execute("INSERT INTO orders (total) VALUES (?)", [total])
                conn.close()
            """,
            message="`conn` from `sqlite3.connect(path)` is not closed when an error is raised "
            "before `close()`: under load, each leaked connection keeps the database file open "
            "(and locked while it has uncommitted writes) until garbage collection reclaims it, "
            "so writers fail with `database is locked` and the process runs out of file "
            "descriptors; use `with contextlib.closing(sqlite3.connect(path)) as conn, conn:`",
        ),
        Invalid(
            """
            from sqlite3 import connect

            def vacuum(path):
                connect(path).execute("VACUUM")
            """,
            message="`connect(path)` is used once and never closed: under load, each leaked "
            "connection keeps the database file open (and locked while it has uncommitted "
            "writes) until garbage collection reclaims it, so writers fail with `database is "
            "locked` and the process runs out of file descriptors; use "
            "`with contextlib.closing(connect(path)) as conn:`",
            fixed="""
            import contextlib
            from sqlite3 import connect

            def vacuum(path):
                with contextlib.closing(connect(path)) as conn:
                    conn.execute("VACUUM")
            """,
        ),
        Invalid(
            """
            import pymysql

            def load(rows, **settings):
                conn = pymysql.connect(**settings)
                try:
                    with conn.cursor() as cur:
                        cur.executemany("INSERT INTO t VALUES (%s)", rows)
                    conn.commit()
                except pymysql.MySQLError:
                    conn.close()
                    raise
            """,
            message="`conn` from `pymysql.connect(**settings)` is closed only when an error is "
            "raised: under load, each leaked connection holds a database server connection until "
            "garbage collection reclaims it, until the server refuses new ones (`too many "
            "connections`); use `with contextlib.closing(pymysql.connect(**settings)) as conn:`",
        ),
        Invalid(
            """
            import sqlite3

            DB_PATH = "app.db"

            def open_db():
                return sqlite3.connect(DB_PATH)

            def count(table):
                db = open_db()
                for (n,) in db.execute(f"SELECT COUNT(*) FROM {table}"):
                    print(table, n)
            """,
            line=9,
            fixed="""
            import contextlib
            import sqlite3

            DB_PATH = "app.db"

            def open_db():
                return sqlite3.connect(DB_PATH)

            def count(table):
                with contextlib.closing(open_db()) as db:
                    for (n,) in db.execute(f"SELECT COUNT(*) FROM {table}"):
                        print(table, n)
            """,
        ),
        Invalid(
            """
            import contextlib
            import sqlite3

            def names(path):
                conn = sqlite3.connect(path)
                with contextlib.closing(conn.cursor()) as cur:
                    cur.execute("SELECT name FROM customers")
                    return [row[0] for row in cur]
            """,
            fixed="""
            import contextlib
            import sqlite3

            def names(path):
                with contextlib.closing(sqlite3.connect(path)) as conn:
                    with contextlib.closing(conn.cursor()) as cur:
                        cur.execute("SELECT name FROM customers")
                        return [row[0] for row in cur]
            """,
        ),
        Invalid(
            """
            from contextlib import closing
            import MySQLdb

            def backup(settings, path):
                conn = MySQLdb.connect(**settings)
                cur = conn.cursor()
                cur.execute("SELECT * FROM orders")
                rows = cur.fetchall()
                conn.close()
                write(path, rows)
            """,
            fixed="""
            from contextlib import closing
            import MySQLdb

            def backup(settings, path):
                with closing(MySQLdb.connect(**settings)) as conn:
                    cur = conn.cursor()
                    cur.execute("SELECT * FROM orders")
                    rows = cur.fetchall()
                write(path, rows)
            """,
        ),
    )
