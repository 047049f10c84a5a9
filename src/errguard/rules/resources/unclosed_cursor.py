from __future__ import annotations

import ast

from errguard.detect.context import FileContext
from errguard.models import Applicability, Invalid, Valid
from errguard.project.modules import in_migrations
from errguard.registry import Rule
from errguard.rules.resources._connections import DJANGO, Function
from errguard.rules.resources._resources import Leak, Scope, scope_for
from errguard.rules.resources._resources_fix import advise

_CURSOR_METHODS = frozenset({"cursor", "chunked_cursor"})
PROBLEMS = {
    "never": "is never closed",
    "happy": "is not closed when an error is raised before `close()`",
    "error-only": "is closed only when an error is raised",
    "once": "is used once and never closed",
}
# What an unclosed cursor costs depends on the driver: a psycopg client-side cursor has already
# fetched its rows, so only memory is held; SQLite holds a read lock, MySQL an unread result that
# blocks the connection, Oracle a slot of the session's open-cursor limit.
_ANY_DRIVER_COST = (
    "the cursor keeps its statement and result set until garbage collection reclaims it (an "
    "error's traceback keeps it alive): on SQLite with a read lock that makes writers fail with "
    "`database is locked`, on MySQL an unread result that blocks the connection, on Oracle a slot "
    "of `open_cursors` (ORA-01000)"
)
_DRIVER_COSTS = {
    "sqlite3": "the cursor keeps its statement and SQLite read lock until garbage collection "
    "reclaims it (an error's traceback keeps it alive), so writers fail with `database is locked`",
    "psycopg": "a client-side cursor keeps its whole result set in memory until garbage collection "
    "reclaims it (an error's traceback keeps it alive)",
    "pymysql": "an unread result blocks the connection (`Commands out of sync`) until garbage "
    "collection reclaims the cursor (an error's traceback keeps it alive)",
    "cx_Oracle": "each open cursor takes a slot of the session's `open_cursors` (ORA-01000) until "
    "garbage collection reclaims it (an error's traceback keeps it alive)",
}
_DRIVER_COSTS |= {
    "psycopg2": _DRIVER_COSTS["psycopg"],
    "MySQLdb": _DRIVER_COSTS["pymysql"],
    "mysql.connector": _DRIVER_COSTS["pymysql"],
    "oracledb": _DRIVER_COSTS["cx_Oracle"],
}


class UnclosedCursor(Rule):
    """Database cursor not closed on every path.

    ## What it does
    Flags a cursor opened with `.cursor()` on a database connection that is not closed on every
    path: not used as a context manager (`with connection.cursor() as cursor:`), not wrapped in
    `contextlib.closing(...)`, and not closed in a `finally:` that covers its uses (a use
    between the open and the `try` escapes it). Closing it at
    the end of the happy path, or only in an `except` handler, still leaks it when an error is
    raised in between (only `with` and `finally` count, even when an `except` that re-raises
    closes it too). A cursor used once without a name (`connection.cursor().execute(sql)`) is
    never closed.

    Connections are recognised from the source: Django's `connection`, `connections[alias]` and
    `transaction.get_connection()` imported from `django.db`, `schema_editor.connection` in
    migrations, `self.connection` in subclasses of Django's backend helpers (a custom schema
    editor), local names, `self` attributes and module constants bound only to one of those,
    functions and methods whose every `return` gives one, and DB-API connections opened with
    `sqlite3.connect`, `psycopg.connect`, `psycopg2.connect`, `pymysql.connect`,
    `MySQLdb.connect` (and the other drivers EG302 knows) kept in a module constant or on
    `self`. A `.cursor()` on anything else (a parameter, an attribute of unknown origin) is not
    reported.

    Not flagged: cursors in a `migrations` package (a migration runs once, in one process, and
    its cursors go with it), a cursor that is returned, yielded, stored on an object or in a
    container, captured by a nested function, or passed to a call that may keep it (ownership
    passes) —
    unless the function closes it itself, which shows it is the owner. Passing it to `list()`,
    `len()`, a `*fetch*` helper such as `dictfetchall(cursor)` or a `connection.introspection`
    method only borrows it. A cursor of a connection the same function opens is left to EG302:
    closing that connection releases its cursors. A bare `connection.cursor()` statement drops
    the cursor at once. Module-level code is not checked: a script's cursor lives as long as the
    process.

    ## Why is this bad?
    A cursor holds its statement and result set (and, on SQLite, a read lock) until it is closed
    or garbage collected. When an error skips the `close()`, the traceback keeps the frame, and
    the cursor, alive; on PyPy nothing is reclaimed promptly. Under load the leaked cursors pile
    up: memory grows, Oracle fails with `ORA-01000: maximum open cursors exceeded`, SQLite
    writers fail with `database is locked`.

    ## Example
    ```python
    from django.db import connection

    def order_totals():
        cursor = connection.cursor()
        cursor.execute("SELECT customer_id, SUM(total) FROM orders GROUP BY customer_id")
        rows = cursor.fetchall()
        cursor.close()
        return rows
    ```

    ## Use instead
    ```python
    from django.db import connection

    def order_totals():
        with connection.cursor() as cursor:
            cursor.execute("SELECT customer_id, SUM(total) FROM orders GROUP BY customer_id")
            rows = cursor.fetchall()
        return rows
    ```

    ## Fix safety
    The fix moves the statements from the `cursor = ...` assignment through the last use of the
    cursor (or of anything read from it lazily) into `with connection.cursor() as cursor:`, and
    removes a `cursor.close()` that ended them, keeping comments. A DB-API cursor (sqlite3's is
    not a context manager) gets `with contextlib.closing(conn.cursor()) as cursor:`, with
    `import contextlib` added unless the module already imports `contextlib` or `closing`. A
    one-shot `connection.cursor().execute(sql)` becomes a `with` block around that statement,
    with a name that is free in the function. The only change is that the cursor is closed, on
    every path, right after its last use. The fix is offered only when that is provably all: the
    cursor is assigned once, every use is in the moved statements, none of them closes it in
    between or closes its connection, and a one-shot cursor is opened exactly once by its
    statement (not under `and`/`or`, a conditional expression or a comprehension's loop) and
    leaves no lazy result behind. Otherwise the finding is reported without a fix.
    """

    code = "EG301"
    message = "{subject} {problem}: {cost}"
    help = "use `{advice}`"
    triggers = (b"cursor(",)
    fix = Applicability.SAFE
    fix_title = "Close the cursor with `{statement}`"

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self._check(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self._check(node, ctx)

    def _check(self, node: Function, ctx: FileContext) -> None:
        if in_migrations(ctx.source.path, ctx.project.root):
            return
        scope = scope_for(ctx, node, self.triggers)
        if scope is None:
            return
        for call in scope.calls:
            func = call.func
            if not isinstance(func, ast.Attribute) or func.attr not in _CURSOR_METHODS:
                continue
            kind = scope.connection_kind(func.value)
            if kind is None or kind.opened:
                continue
            leak = scope.leak(call)
            if leak is not None:
                self._report(ctx, scope, leak, func.value, kind.family)

    def _report(
        self, ctx: FileContext, scope: Scope, leak: Leak, receiver: ast.expr, family: str
    ) -> None:
        django = family == DJANGO
        advice = advise(scope, leak, fresh="cursor", closing=not django, keep_open=receiver)
        call = ctx.segment(leak.call)
        name = leak.trace.name
        self.report(
            ctx,
            leak.call,
            subject=f"`{name}` from `{call}`" if name else f"`{call}`",
            problem=PROBLEMS[leak.how],
            cost=_DRIVER_COSTS.get(family, _ANY_DRIVER_COST),
            advice=advice.statement,
            fix=advice.fix_data is not None,
            fix_data=advice.fix_data,
        )

    VALID = (
        Valid(
            """
            from django.db import connection

            def order_totals():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT customer_id, SUM(total) FROM orders GROUP BY 1")
                    return cursor.fetchall()
            """
        ),
        Valid(
            """
            from django.db import DatabaseError, connection

            def run(sql):
                cursor = connection.cursor()
                try:
                    try:
                        cursor.execute(sql)
                    except DatabaseError:
                        logger.warning("retrying %s", sql)
                        cursor.execute(sql)
                finally:
                    cursor.close()
            """
        ),
        Valid(
            """
            from django.db import connections

            def report(sql):
                cursor = None
                try:
                    cursor = connections["reports"].cursor()
                    cursor.execute(sql)
                    return cursor.fetchall()
                finally:
                    if cursor is not None:
                        cursor.close()
            """
        ),
        Valid(
            """
            import contextlib
            import sqlite3

            LEGACY = sqlite3.connect("legacy.db")

            def legacy_names():
                with contextlib.closing(LEGACY.cursor()) as cur:
                    cur.execute("SELECT name FROM customers")
                    return [row[0] for row in cur]
            """
        ),
        Valid(
            """
            from django.db import connection

            def reporting_cursor():
                # The caller owns the cursor and closes it.
                cursor = connection.cursor()
                cursor.execute("SET search_path TO reporting")
                return cursor

            def cursor_in(alias):
                cursor = connections[alias].cursor()
                yield cursor
            """
        ),
        Valid(
            """
            from django.db import connection

            class Export:
                def __init__(self):
                    self.cursor = connection.cursor()

                def start(self, sql):
                    cursor = connection.cursor()
                    cursor.execute(sql)
                    self.cursors.append(cursor)
            """
        ),
        Valid(
            """
            from django.db import connection

            def stream(sql):
                cursor = connection.cursor()
                cursor.execute(sql)
                # RowStream closes the cursor when the rows are consumed.
                return RowStream(cursor)

            def make_reader():
                cursor = connection.cursor()
                def read(sql):
                    cursor.execute(sql)
                    return cursor.fetchall()
                return read
            """
        ),
        Valid(
            """
            from django.db import connection

            def table_names(connection):
                # A parameter: its owner, and what it is, are not visible here.
                cursor = connection.cursor()
                return connection.introspection.table_names(cursor)
            """
        ),
        Valid(
            """
            from contextlib import ExitStack

            from django.db import connection

            def rows(stack: ExitStack, sql):
                cursor = stack.enter_context(connection.cursor())
                cursor.execute(sql)
                other = connection.cursor()
                stack.callback(other.close)
                return cursor.fetchall()
            """
        ),
        Valid(
            """
            import sqlite3

            def load(path):
                # Closing the connection releases its cursors: EG302 checks the connection.
                conn = sqlite3.connect(path)
                try:
                    cur = conn.cursor()
                    cur.execute("SELECT 1")
                    return cur.fetchall()
                finally:
                    conn.close()
            """
        ),
        Valid(
            """
            import sqlite3

            from django.db import connection

            # A script: the cursor lives as long as the process.
            conn = sqlite3.connect("app.db")
            cur = conn.cursor()
            cur.execute("SELECT 1")
            connection.cursor().execute("VACUUM")
            """
        ),
        Valid(
            """
            from django.db import connection

            def warm_up():
                cursor = connection.cursor()
                cursor.close()
                connection.cursor().close()
                # Opens the connection; the cursor is dropped at once.
                connection.cursor()
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            import sqlite3

            LEGACY = sqlite3.connect("legacy.db", check_same_thread=False)

            def legacy_names(closing):
                cur = LEGACY.cursor()
                cur.execute("SELECT name FROM customers")
                return closing([row[0] for row in cur])

            contextlib = None  # this module's own name: the fix cannot write contextlib.closing
            """,
            line=6,
            fixed=None,
        ),
        Invalid(
            """
            from django.db import connection

            def export(out):
                cursor = connection.cursor()
                cursor.execute("SELECT COUNT(*) FROM ledger")
                (total,) = cursor.fetchone()
                try:
                    cursor.execute("SELECT * FROM ledger")
                    out.writelines(map(str, cursor))
                finally:
                    cursor.close()
                return total
            """,
            line=4,
        ),
        Invalid(
            """
            from django.db import connection

            def order_totals():
                cursor = connection.cursor()
                cursor.execute("SELECT customer_id, SUM(total) FROM orders GROUP BY 1")
                return cursor.fetchall()
            """,
            line=4,
            column=14,
            message="`cursor` from `connection.cursor()` is never closed: the cursor keeps "
            "its statement "
            "and result set until garbage collection reclaims it (an error's traceback keeps it "
            "alive): on SQLite with a read lock that makes writers fail with `database is "
            "locked`, on MySQL an unread result that blocks the connection, on Oracle a slot of "
            "`open_cursors` (ORA-01000); use `with connection.cursor() as cursor:`",
            fixed="""
            from django.db import connection

            def order_totals():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT customer_id, SUM(total) FROM orders GROUP BY 1")
                    return cursor.fetchall()
            """,
        ),
        Invalid(
            """
            from django.db import connections

            def archive(alias, cutoff):
                # The archive may be a replica.
                cursor = connections[alias].cursor()  # autocommit
                cursor.execute("DELETE FROM events WHERE created < %s", [cutoff])
                deleted = cursor.rowcount
                cursor.close()

                return deleted
            """,
            line=5,
            message="`cursor` from `connections[alias].cursor()` is not closed when an "
            "error is raised "
            "before `close()`: the cursor keeps its statement and result set until garbage "
            "collection reclaims it (an error's traceback keeps it alive): on SQLite with a read "
            "lock that makes writers fail with `database is locked`, on MySQL an unread result "
            "that blocks the connection, on Oracle a slot of `open_cursors` (ORA-01000); use "
            "`with connections[alias].cursor() as cursor:`",
            fixed="""
            from django.db import connections

            def archive(alias, cutoff):
                # The archive may be a replica.
                with connections[alias].cursor() as cursor:  # autocommit
                    cursor.execute("DELETE FROM events WHERE created < %s", [cutoff])
                    deleted = cursor.rowcount

                return deleted
            """,
        ),
        Invalid(
            """
            from django.db import connection

            def refresh_stats():
                cursor = connection.cursor()
                try:
                    cursor.execute("REFRESH MATERIALIZED VIEW stats")
                except Exception:
                    cursor.close()
                    raise
            """,
            message="`cursor` from `connection.cursor()` is closed only when an error is "
            "raised: the "
            "cursor keeps its statement and result set until garbage collection reclaims it (an "
            "error's traceback keeps it alive): on SQLite with a read lock that makes writers "
            "fail with `database is locked`, on MySQL an unread result that blocks the "
            "connection, on Oracle a slot of `open_cursors` (ORA-01000); use `with "
            "connection.cursor() as cursor:`",
        ),
        Invalid(
            """
            from django.db import connection

            def row_counts(tables):
                counts = {}
                for table in tables:
                    cursor = connection.cursor()
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")
                    counts[table] = cursor.fetchone()[0]
                return counts
            """,
            line=6,
            fixed="""
            from django.db import connection

            def row_counts(tables):
                counts = {}
                for table in tables:
                    with connection.cursor() as cursor:
                        cursor.execute(f"SELECT COUNT(*) FROM {table}")
                        counts[table] = cursor.fetchone()[0]
                return counts
            """,
        ),
        Invalid(
            """
            from django.db import connection

            def vacuum():
                connection.cursor().execute("VACUUM")

            def reset_sequence(cursor_position):
                cursor = cursor_position + 1
                connection.cursor().execute("SELECT setval('jobs_id_seq', %s)", [cursor])
            """,
            count=2,
            message="`connection.cursor()` is used once and never closed: the cursor keeps "
            "its statement "
            "and result set until garbage collection reclaims it (an error's traceback keeps it "
            "alive): on SQLite with a read lock that makes writers fail with `database is "
            "locked`, on MySQL an unread result that blocks the connection, on Oracle a slot of "
            "`open_cursors` (ORA-01000); use `with connection.cursor() as cursor:`",
            fixed="""
            from django.db import connection

            def vacuum():
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM")

            def reset_sequence(cursor_position):
                cursor = cursor_position + 1
                with connection.cursor() as cursor_2:
                    cursor_2.execute("SELECT setval('jobs_id_seq', %s)", [cursor])
            """,
        ),
        Invalid(
            """
            def table_columns(schema_editor, table):
                connection = schema_editor.connection
                return [
                    column.name
                    for column in connection.introspection.get_table_description(
                        connection.cursor(), table
                    )
                ]
            """,
            fixed="""
            def table_columns(schema_editor, table):
                connection = schema_editor.connection
                with connection.cursor() as cursor:
                    return [
                        column.name
                        for column in connection.introspection.get_table_description(
                            cursor, table
                        )
                    ]
            """,
        ),
        Invalid(
            """
            from django.db import migrations

            def backfill(apps, schema_editor):
                cursor = schema_editor.connection.cursor()
                cursor.execute("UPDATE shop_order SET status = 'new' WHERE status IS NULL")

            class Migration(migrations.Migration):
                operations = [migrations.RunPython(backfill)]
            """,
            fixed="""
            from django.db import migrations

            def backfill(apps, schema_editor):
                with schema_editor.connection.cursor() as cursor:
                    cursor.execute("UPDATE shop_order SET status = 'new' WHERE status IS NULL")

            class Migration(migrations.Migration):
                operations = [migrations.RunPython(backfill)]
            """,
        ),
        Invalid(
            """
            from django.db import connections, router

            class TreeManager:
                def _get_connection(self, **hints):
                    return connections[router.db_for_write(self.model, **hints)]

                def close_gap(self, size, at):
                    connection = self._get_connection()
                    cursor = connection.cursor()
                    cursor.execute("UPDATE tree SET lft = lft - %s WHERE lft > %s", [size, at])
            """,
            line=9,
            fixed="""
            from django.db import connections, router

            class TreeManager:
                def _get_connection(self, **hints):
                    return connections[router.db_for_write(self.model, **hints)]

                def close_gap(self, size, at):
                    connection = self._get_connection()
                    with connection.cursor() as cursor:
                        cursor.execute("UPDATE tree SET lft = lft - %s WHERE lft > %s", [size, at])
            """,
        ),
        Invalid(
            """
            from django.db import connection

            from .utils import dictfetchall

            def export(writer):
                cursor = connection.cursor()
                cursor.execute("SELECT * FROM orders")
                writer.write_rows(dictfetchall(cursor))
                writer.write_summary(cursor)
                cursor.close()
            """,
            message="`cursor` from `connection.cursor()` is not closed when an error is "
            "raised before "
            "`close()`: the cursor keeps its statement and result set until garbage collection "
            "reclaims it (an error's traceback keeps it alive): on SQLite with a read lock that "
            "makes writers fail with `database is locked`, on MySQL an unread result that blocks "
            "the connection, on Oracle a slot of `open_cursors` (ORA-01000); use `with "
            "connection.cursor() as cursor:`",
            fixed="""
            from django.db import connection

            from .utils import dictfetchall

            def export(writer):
                with connection.cursor() as cursor:
                    cursor.execute("SELECT * FROM orders")
                    writer.write_rows(dictfetchall(cursor))
                    writer.write_summary(cursor)
            """,
        ),
        Invalid(
            """
            \"\"\"Reports from the legacy SQLite database.\"\"\"
            from __future__ import annotations

            import sqlite3

            LEGACY = sqlite3.connect("legacy.db", check_same_thread=False)

            def legacy_names():
                cur = LEGACY.cursor()
                cur.execute("SELECT name FROM customers")
                return [row[0] for row in cur]
            """,
            message="`cur` from `LEGACY.cursor()` is never closed: the cursor keeps its "
            "statement and "
            "SQLite read lock until garbage collection reclaims it (an error's traceback keeps it"
            " alive), so writers fail with `database is locked`; use `with "
            "contextlib.closing(LEGACY.cursor()) as cur:`",
            fixed="""
            \"\"\"Reports from the legacy SQLite database.\"\"\"
            from __future__ import annotations

            import contextlib
            import sqlite3

            LEGACY = sqlite3.connect("legacy.db", check_same_thread=False)

            def legacy_names():
                with contextlib.closing(LEGACY.cursor()) as cur:
                    cur.execute("SELECT name FROM customers")
                    return [row[0] for row in cur]
            """,
        ),
        Invalid(
            """
            from contextlib import closing

            import psycopg2

            class Warehouse:
                def __init__(self, dsn):
                    self.conn = psycopg2.connect(dsn)

                def stock(self, sku):
                    cur = self.conn.cursor()
                    cur.execute("SELECT qty FROM stock WHERE sku = %s", [sku])
                    return cur.fetchone()
            """,
            fixed="""
            from contextlib import closing

            import psycopg2

            class Warehouse:
                def __init__(self, dsn):
                    self.conn = psycopg2.connect(dsn)

                def stock(self, sku):
                    with closing(self.conn.cursor()) as cur:
                        cur.execute("SELECT qty FROM stock WHERE sku = %s", [sku])
                        return cur.fetchone()
            """,
        ),
        Invalid(
            """
            from django.db.backends.mysql.schema import DatabaseSchemaEditor

            class SchemaEditor(DatabaseSchemaEditor):
                def storage_engine(self, table):
                    return self.connection.introspection.get_storage_engine(
                        self.connection.cursor(), table
                    )
            """,
            fixed="""
            from django.db.backends.mysql.schema import DatabaseSchemaEditor

            class SchemaEditor(DatabaseSchemaEditor):
                def storage_engine(self, table):
                    with self.connection.cursor() as cursor:
                        return self.connection.introspection.get_storage_engine(
                            cursor, table
                        )
            """,
        ),
    )
